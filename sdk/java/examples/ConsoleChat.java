import chat.parley.sdk.*;

public class ConsoleChat {
    public static void main(String[] args) {
    }
}
