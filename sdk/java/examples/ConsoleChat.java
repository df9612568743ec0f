import chat.parley.sdk.AppSettings;
import chat.parley.sdk.BaseMessage;
import chat.parley.sdk.MessagesRequest;
import chat.parley.sdk.Parley;
import chat.parley.sdk.ParleyConstants;
import chat.parley.sdk.ParleyException;
import chat.parley.sdk.TextMessage;
import chat.parley.sdk.TypingIndicator;
import chat.parley.sdk.User;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.List;

/**
 * A console chat with one other user, on the Parley Java SDK:
 *
 * <pre>
 * java -cp parley-sdk.jar:okhttp.jar:okio.jar:gson.jar:. ConsoleChat http://127.0.0.1:8080 APP_ID AUTH_KEY alice bob
 * </pre>
 *
 * It creates the user if needed (with the Auth Key: development only), logs in, prints the last
 * messages with the peer, then every message as it comes, and sends each line typed.
 */
public class ConsoleChat {
    private static final Object done = new Object();

    public static void main(final String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: ConsoleChat <base url> <app id> <auth key> <my uid> <peer uid>");
            System.exit(2);
        }
        final String me = args[3];
        final String peer = args[4];
        AppSettings settings = new AppSettings.AppSettingsBuilder()
                .setBaseUrl(args[0])
                .subscribePresenceForAllUsers()
                .autoEstablishSocketConnection(true)
                .build();
        Parley.init(args[1], settings);

        Parley.addMessageListener("console", new Parley.MessageListener() {
            @Override
            public void onTextMessageReceived(TextMessage m) {
                if (!me.equals(m.getSender().getUid())) {
                    System.out.println("[" + m.getSender().getName() + "] " + m.getText());
                    Parley.markAsRead(m);
                }
            }

            @Override
            public void onTypingStarted(TypingIndicator t) {
                System.out.println("(" + t.getSender().getUid() + " is typing)");
            }
        });
        Parley.addConnectionListener("console", new Parley.ConnectionListener() {
            @Override
            public void onConnected() {
                System.out.println("(connected)");
            }

            @Override
            public void onDisconnected() {
                System.out.println("(disconnected: reconnecting)");
            }
        });

        Parley.createUser(new User(me, me), args[2], new Parley.CallbackListener<User>() {
            @Override
            public void onSuccess(User u) {
                login(me, peer, args[2]);
            }

            @Override
            public void onError(ParleyException e) {
                login(me, peer, args[2]); // ERR_UID_ALREADY_EXISTS: the user is there already
            }
        });
        synchronized (done) {
            done.wait(30000);
        }

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.trim().isEmpty()) {
                continue;
            }
            Parley.sendMessage(new TextMessage(peer, line, ParleyConstants.RECEIVER_TYPE_USER),
                    new Parley.CallbackListener<TextMessage>() {
                        @Override
                        public void onSuccess(TextMessage m) {
                        }

                        @Override
                        public void onError(ParleyException e) {
                            System.out.println("(not sent: " + e.getCode() + ")");
                        }
                    });
        }
        System.exit(0);
    }

    private static void login(final String me, final String peer, String authKey) {
        Parley.login(me, authKey, new Parley.CallbackListener<User>() {
            @Override
            public void onSuccess(User u) {
                System.out.println("logged in as " + u.getUid() + "; type a line to send it to " + peer);
                new MessagesRequest.MessagesRequestBuilder().setUID(peer).setLimit(10).build()
                        .fetchPrevious(new Parley.CallbackListener<List<BaseMessage>>() {
                            @Override
                            public void onSuccess(List<BaseMessage> ms) {
                                for (BaseMessage m : ms) {
                                    if (m instanceof TextMessage) {
                                        System.out.println("  " + m.getSender().getUid() + ": " + ((TextMessage) m).getText());
                                    }
                                }
                            }

                            @Override
                            public void onError(ParleyException e) {
                                System.out.println("(no history: " + e.getCode() + ")");
                            }
                        });
                synchronized (done) {
                    done.notifyAll();
                }
            }

            @Override
            public void onError(ParleyException e) {
                System.err.println("login failed: " + e.getCode() + ": " + e.getMessage());
                System.exit(1);
            }
        });
    }
}
