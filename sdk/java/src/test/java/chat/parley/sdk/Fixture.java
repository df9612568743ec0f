package chat.parley.sdk;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Users on the shared server: each test names its own (a prefix keeps tests apart). */
abstract class Fixture {
    private static final AtomicInteger seq = new AtomicInteger();
    TestServer server;
    String prefix;
    final List<ParleyClient> clients = new ArrayList<>();

    @BeforeEach
    void setUpServer() throws Exception {
        server = TestServer.get();
        prefix = "t" + seq.incrementAndGet() + "-" + System.nanoTime() % 100000 + "-";
    }

    @AfterEach
    void shutDownClients() {
        for (ParleyClient c : clients) {
            c.shutdown();
        }
    }

    String uid(String name) {
        return prefix + name;
    }

    /** Creates user {@code name} with the Auth Key and logs a new client in as them. */
    ParleyClient user(String name, AppSettings.AppSettingsBuilder settings, Recorder rec) throws Exception {
        ParleyClient c = ParleyClient.create(server.appId, settings.build());
        clients.add(c);
        if (rec != null) {
            rec.attach(c);
        }
        Await<User> made = new Await<>();
        c.createUser(new User(uid(name), name), server.authKey, made);
        made.get();
        Await<User> in = new Await<>();
        c.login(uid(name), server.authKey, in);
        in.get();
        return c;
    }

    ParleyClient user(String name, Recorder rec) throws Exception {
        return user(name, server.settings(server.url, name + "-device"), rec);
    }

    /** Logs in and waits until the auto-mode connection is up. */
    ParleyClient connected(String name, Recorder rec) throws Exception {
        ParleyClient c = user(name, rec);
        Await.until(() -> ParleyConstants.WS_STATE_CONNECTED.equals(c.getConnectionStatus()),
                () -> name + " never connected");
        return c;
    }

    static <T> T call(java.util.function.Consumer<Await<T>> fn) throws Exception {
        Await<T> a = new Await<>();
        fn.accept(a);
        return a.get();
    }

    static <T> ParleyException failure(java.util.function.Consumer<Await<T>> fn) throws Exception {
        Await<T> a = new Await<>();
        fn.accept(a);
        return a.error();
    }
}
