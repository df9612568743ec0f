package chat.parley.sdk;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real `parley serve` for the tests: built once from this repository (or $PARLEY_BIN), started
 * on a free port with a temporary data directory and rate limits off, stopped when the JVM exits.
 * Its App ID and keys are read from the first start's stdout, its URL from the `parley serving`
 * log line on stderr.
 */
final class TestServer {
    final String url;
    final String appId;
    final String restKey;
    final String authKey;
    private final Process process;
    private static TestServer shared;

    private TestServer(String url, String appId, String restKey, String authKey, Process p) {
        this.url = url;
        this.appId = appId;
        this.restKey = restKey;
        this.authKey = authKey;
        this.process = p;
    }

    /** The server every test of this run shares (each test uses its own users and groups). */
    static synchronized TestServer get() throws Exception {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    /** A server of its own, started with more flags (stopped by {@link #stop}). */
    static TestServer startWith(String... flags) throws Exception {
        return start(flags);
    }

    void stop() {
        process.destroy();
    }

    private static String builtBinary;

    private static synchronized String binary(Path tmp) throws Exception {
        String bin = System.getenv("PARLEY_BIN");
        if (bin != null && !bin.isEmpty()) {
            return bin;
        }
        if (builtBinary != null) {
            return builtBinary;
        }
        String root = System.getProperty("parley.root", "../..");
        File out = tmp.resolve("parley").toFile();
        Process p = new ProcessBuilder("go", "build", "-o", out.getAbsolutePath(), "./cmd/parley")
                .directory(new File(root)).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("go build ./cmd/parley failed");
        }
        builtBinary = out.getAbsolutePath();
        return builtBinary;
    }

    private static TestServer start(String... flags) throws Exception {
        Path tmp = Files.createTempDirectory("parley-java-sdk");
        String bin = binary(tmp);
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.Arrays.asList(bin, "serve", "--addr",
                "127.0.0.1:0", "--data", tmp.resolve("data").toString(), "--presence-grace", "200ms",
                "--rate-user-messages", "off", "--rate-user-requests", "off", "--rate-app-messages", "off",
                "--rate-app-requests", "off", "--rate-auth-failures-ip", "off", "--rate-auth-failures-app", "off"));
        cmd.addAll(java.util.Arrays.asList(flags));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        final Process p = pb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
        final String[] vals = new String[4];
        final CountDownLatch ready = new CountDownLatch(2);
        Thread out = new Thread(() -> read(p, false, vals, ready), "parley-stdout");
        Thread err = new Thread(() -> read(p, true, vals, ready), "parley-stderr");
        out.setDaemon(true);
        err.setDaemon(true);
        out.start();
        err.start();
        if (!ready.await(60, TimeUnit.SECONDS)) {
            p.destroy();
            throw new IllegalStateException("parley serve did not start (read: url=" + vals[0] + " app=" + vals[1] + ")");
        }
        return new TestServer(vals[0], vals[1], vals[2], vals[3], p);
    }

    private static final Pattern URL = Pattern.compile("parley serving.* url=(\\S+)");
    private static final Pattern APP = Pattern.compile("App ID:\\s+(\\S+)");
    private static final Pattern REST = Pattern.compile("Rest API Key:\\s+(\\S+)");
    private static final Pattern AUTH = Pattern.compile("Auth Key:\\s+(\\S+)");

    private static void read(Process p, boolean stderr, String[] vals, CountDownLatch ready) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                stderr ? p.getErrorStream() : p.getInputStream(), StandardCharsets.UTF_8))) {
            boolean counted = false;
            String line;
            while ((line = r.readLine()) != null) {
                if (System.getenv("PARLEY_TEST_VERBOSE") != null) {
                    System.err.println("[parley] " + line);
                }
                Matcher m;
                synchronized (vals) {
                    if (stderr && (m = URL.matcher(line)).find()) {
                        vals[0] = m.group(1);
                    } else if ((m = APP.matcher(line)).find()) {
                        vals[1] = m.group(1);
                    } else if ((m = REST.matcher(line)).find()) {
                        vals[2] = m.group(1);
                    } else if ((m = AUTH.matcher(line)).find()) {
                        vals[3] = m.group(1);
                    }
                    boolean done = stderr ? vals[0] != null : vals[1] != null && vals[2] != null && vals[3] != null;
                    if (done && !counted) {
                        counted = true;
                        ready.countDown();
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    /** Settings for a client of this server (or of another URL, a proxy's). */
    AppSettings.AppSettingsBuilder settings(String baseUrl, String device) {
        return new AppSettings.AppSettingsBuilder().setBaseUrl(baseUrl).setDeviceId(device)
                .setReconnectBackoff(50, 400);
    }

    boolean alive() {
        return process.isAlive();
    }
}
