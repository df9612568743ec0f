package chat.parley.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP forwarder between one client and the server: a real network hop whose connections the
 * test cuts at once ({@link #dropAll}), as a lost network or a crashed proxy would, with no
 * WebSocket close frame.
 */
final class DropProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final String host;
    private final int port;
    private final List<Socket> open = new ArrayList<>();
    private int accepted;

    DropProxy(String serverUrl) throws IOException {
        URI u = URI.create(serverUrl);
        host = u.getHost();
        port = u.getPort();
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "drop-proxy");
        t.setDaemon(true);
        t.start();
    }

    String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket in = listener.accept();
                Socket out = new Socket(host, port);
                synchronized (this) {
                    open.add(in);
                    open.add(out);
                    accepted++;
                }
                pipe(in, out);
                pipe(out, in);
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // dropped
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // closed
                }
            }
        }, "drop-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    /** Cuts every open connection (REST keep-alives and the WebSocket alike). */
    synchronized void dropAll() throws IOException {
        for (Socket s : open) {
            s.close();
        }
        open.clear();
    }

    synchronized int accepted() {
        return accepted;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        dropAll();
    }
}
