package chat.parley.sdk;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * The user's WebSocket (docs/protocol.md): it connects, authenticates resuming after the last
 * message id it received, hands frames to the dispatcher in order, pings, and reconnects with a
 * jittered exponential backoff until stopped or refused for good. Every field is guarded by lock;
 * OkHttp calls the listener of one socket on one thread, in order.
 */
final class Realtime {
    private final ParleyClient c;
    private final OkHttpClient http;
    private final ScheduledExecutorService timer;
    private final Random random = new Random();
    private final Object lock = new Object();

    private boolean running;
    private int gen;
    private WebSocket ws;
    private boolean authed;
    private String state = ParleyConstants.WS_STATE_DISCONNECTED;
    private long cursor;
    private boolean cursorSet;
    private volatile long delivered;
    private int attempt;
    private ScheduledFuture<?> pingTask;
    private final List<Parley.CallbackListener<String>> waiters = new ArrayList<Parley.CallbackListener<String>>();
    private final List<Parley.CallbackListener<Void>> pings = new ArrayList<Parley.CallbackListener<Void>>();

    Realtime(ParleyClient c, OkHttpClient http, ScheduledExecutorService timer, long lastMessageId) {
        this.c = c;
        this.http = http;
        this.timer = timer;
        if (lastMessageId > 0) {
            cursor = lastMessageId;
            cursorSet = true;
            delivered = lastMessageId;
        }
    }

    String state() {
        synchronized (lock) {
            return state;
        }
    }

    long delivered() {
        return delivered;
    }

    /** Starts the connection loop if it is not running; cb hears the first outcome. */
    void start(Parley.CallbackListener<String> cb) {
        synchronized (lock) {
            if (running) {
                if (cb != null) {
                    if (authed) {
                        c.succeed(cb, "connected");
                    } else {
                        waiters.add(cb);
                    }
                }
                return;
            }
            if (cb != null) {
                waiters.add(cb);
            }
            running = true;
            attempt = 0;
            final int g = gen;
            timer.execute(new Runnable() {
                @Override
                public void run() {
                    connect(g);
                }
            });
        }
    }

    /** Closes the connection and stops reconnecting. */
    void stop() {
        WebSocket w;
        boolean was;
        synchronized (lock) {
            was = running;
            running = false;
            gen++;
            w = ws;
            ws = null;
            authed = false;
            cancelPing();
            failWaiters(new ParleyException(ParleyException.ERR_NOT_CONNECTED, "disconnected before the connection was up"));
        }
        if (w != null) {
            w.close(1000, "disconnect");
        }
        if (was) {
            setState(ParleyConstants.WS_STATE_DISCONNECTED, null);
        }
    }

    /** Sets where the first connection resumes unless already set: the newest message the user may see now. */
    void initCursor() throws ParleyException {
        synchronized (lock) {
            if (cursorSet) {
                return;
            }
        }
        HttpUrl url = c.rest().url("messages").addQueryParameter("limit", "1").build();
        Rest.Answer a = c.rest().call("GET", url, null, c.requireToken(), null);
        long newest = 0;
        if (a.data != null && a.data.isJsonArray()) {
            for (JsonElement e : a.data.getAsJsonArray()) {
                newest = Math.max(newest, Json.lng(e.getAsJsonObject(), "id"));
            }
        }
        synchronized (lock) {
            if (!cursorSet) {
                cursor = newest;
                cursorSet = true;
                delivered = newest;
            }
        }
    }

    /** Sends a client frame; false when not connected. */
    boolean send(JsonObject frame) {
        synchronized (lock) {
            return authed && ws != null && ws.send(frame.toString());
        }
    }

    /** Pings now; cb hears the pong. */
    void ping(Parley.CallbackListener<Void> cb) {
        synchronized (lock) {
            if (ws == null || !ws.send("{\"action\":\"ping\",\"ack\":\"true\"}")) {
                c.fail(cb, new ParleyException(ParleyException.ERR_NOT_CONNECTED, "the WebSocket is not connected"));
                return;
            }
            if (cb != null) {
                pings.add(cb);
            }
        }
    }

    private void connect(int g) {
        synchronized (lock) {
            if (!running || g != gen) {
                return;
            }
        }
        setState(ParleyConstants.WS_STATE_CONNECTING, null);
        String token = c.authToken();
        if (token == null) {
            end(g, new ParleyException(ParleyException.ERR_NOT_LOGGED_IN, "no user is logged in"));
            return;
        }
        try {
            initCursor();
        } catch (ParleyException e) {
            end(g, e);
            return;
        }
        Request req = new Request.Builder().url(c.rest().url("ws").build()).header("appid", c.appId()).build();
        synchronized (lock) {
            if (!running || g != gen) {
                return;
            }
            ws = http.newWebSocket(req, new Listener(g, token));
        }
    }

    private final class Listener extends WebSocketListener {
        private final int g;
        private final String token;
        private ParleyException refused;
        private ParleyException announced;

        Listener(int g, String token) {
            this.g = g;
            this.token = token;
        }

        private boolean current() {
            synchronized (lock) {
                return g == gen;
            }
        }

        @Override
        public void onOpen(WebSocket w, Response response) {
            JsonObject body = new JsonObject();
            body.addProperty("auth", token);
            AppSettings s = c.settings();
            if (s.getDeviceId() != null) {
                body.addProperty("deviceId", s.getDeviceId());
            }
            if (s.getKeepalive() > 0) {
                body.addProperty("keepalive", s.getKeepalive());
            }
            if (s.getSubscriptionType() != null) {
                body.addProperty("presenceSubscription", s.getSubscriptionType());
                if (AppSettings.PRESENCE_ROLES.equals(s.getSubscriptionType())) {
                    body.add("roles", Json.array(s.getRoles()));
                }
            }
            synchronized (lock) {
                body.addProperty("lastMessageId", String.valueOf(cursor));
            }
            JsonObject f = new JsonObject();
            f.addProperty("type", "auth");
            f.add("body", body);
            w.send(f.toString());
        }

        @Override
        public void onMessage(WebSocket w, String text) {
            if (!current()) {
                return;
            }
            JsonObject f;
            try {
                f = Json.parse(text);
            } catch (RuntimeException e) {
                return;
            }
            if (f == null) {
                return;
            }
            if ("pong".equals(Json.str(f, "action"))) {
                List<Parley.CallbackListener<Void>> done;
                synchronized (lock) {
                    done = new ArrayList<Parley.CallbackListener<Void>>(pings);
                    pings.clear();
                }
                for (Parley.CallbackListener<Void> cb : done) {
                    c.succeed(cb, null);
                }
                return;
            }
            String type = Json.str(f, "type");
            JsonObject body = Json.obj(f, "body");
            if ("auth".equals(type)) {
                if ("200".equals(Json.str(body, "code"))) {
                    authenticated();
                }
                return;
            }
            if ("error".equals(type)) {
                ParleyException e = new ParleyException(Json.str(body, "code"), Json.str(body, "message"));
                boolean isAuthed;
                synchronized (lock) {
                    isAuthed = authed;
                }
                if (!isAuthed) {
                    refused = e;
                    return;
                }
                if (Json.str(body, "frame") == null) {
                    announced = e;
                }
                c.events().frameError(e);
                return;
            }
            if ("message".equals(type)) {
                long id = Json.lng(body, "id");
                deliver(f, id);
                return;
            }
            if ("resume_truncated".equals(type)) {
                try {
                    refill(Json.lng(body, "lastMessageId"), Json.lng(body, "resumeUntil"));
                } catch (ParleyException e) {
                    w.cancel();
                    end(g, e);
                }
                return;
            }
            c.events().post(f, 0);
        }

        @Override
        public void onClosing(WebSocket w, int code, String reason) {
            w.close(1000, null);
            end(g, closed(code, reason));
        }

        @Override
        public void onClosed(WebSocket w, int code, String reason) {
            end(g, closed(code, reason));
        }

        @Override
        public void onFailure(WebSocket w, Throwable t, Response response) {
            ParleyException e = null;
            if (response != null && response.code() != 101) {
                e = upgradeRefused(response);
            }
            if (e == null) {
                e = refused != null ? refused : new ParleyException(ParleyException.ERR_CONNECTION,
                        "the WebSocket connection broke: " + t, 0, 0, t);
            }
            end(g, e);
        }

        private ParleyException closed(int code, String reason) {
            ParleyException base = refused != null ? refused : announced;
            if (base != null) {
                return new ParleyException(base.getCode(), base.getMessage(), 0, code, null);
            }
            return new ParleyException(ParleyException.ERR_CONNECTION_CLOSED,
                    "the server closed the connection: " + code + " " + reason, 0, code, null);
        }
    }

    private static ParleyException upgradeRefused(Response r) {
        String code = null;
        String msg = null;
        try {
            ResponseBody b = r.body();
            if (b != null) {
                JsonObject err = Json.obj(Json.parse(b.string()), "error");
                code = Json.str(err, "code");
                msg = Json.str(err, "message");
            }
        } catch (Exception ignored) {
            // the status alone
        }
        return new ParleyException(code != null ? code : ParleyException.ERR_CONNECTION,
                msg != null ? msg : "the WebSocket upgrade was refused: HTTP " + r.code(), r.code(), 0, null);
    }

    private void authenticated() {
        List<Parley.CallbackListener<String>> done;
        synchronized (lock) {
            authed = true;
            attempt = 0;
            done = new ArrayList<Parley.CallbackListener<String>>(waiters);
            waiters.clear();
            cancelPing();
            final int g = gen;
            long every = c.settings().getPingIntervalMillis();
            pingTask = timer.scheduleWithFixedDelay(new Runnable() {
                @Override
                public void run() {
                    synchronized (lock) {
                        if (g == gen && ws != null) {
                            ws.send("{\"action\":\"ping\",\"ack\":\"true\"}");
                        }
                    }
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }
        setState(ParleyConstants.WS_STATE_CONNECTED, null);
        for (Parley.CallbackListener<String> cb : done) {
            c.succeed(cb, "connected");
        }
    }

    /** Hands a message frame to the listeners unless received already, and moves the cursor. */
    private void deliver(JsonObject frame, long id) {
        synchronized (lock) {
            if (id <= cursor) {
                return;
            }
            cursor = id;
        }
        c.events().post(frame, id);
    }

    void markDelivered(long id) {
        if (id > delivered) {
            delivered = id;
        }
    }

    /** Fetches over REST what a truncated resume skipped (after from, up to until), before the live ones. */
    private void refill(long from, long until) throws ParleyException {
        long after;
        synchronized (lock) {
            after = Math.max(from, cursor);
        }
        while (after < until) {
            HttpUrl url = c.rest().url("messages").addQueryParameter("id", String.valueOf(after))
                    .addQueryParameter("affix", "append").addQueryParameter("limit", "1000").build();
            Rest.Answer a = c.rest().call("GET", url, null, c.requireToken(), null);
            JsonArray ms = a.data != null && a.data.isJsonArray() ? a.data.getAsJsonArray() : new JsonArray();
            long last = after;
            for (JsonElement e : ms) {
                JsonObject m = e.getAsJsonObject();
                long id = Json.lng(m, "id");
                if (id > until) {
                    break;
                }
                JsonObject f = new JsonObject();
                f.addProperty("appId", c.appId());
                f.addProperty("type", "message");
                f.addProperty("sender", Json.str(m, "sender"));
                f.addProperty("receiver", Json.str(m, "receiver"));
                f.addProperty("receiverType", Json.str(m, "receiverType"));
                f.add("body", m);
                deliver(f, id);
                last = Math.max(last, id);
            }
            if (ms.size() == 0 || last <= after) {
                break;
            }
            after = last;
        }
        synchronized (lock) {
            cursor = Math.max(cursor, until);
        }
    }

    /** A connection of generation g ended with err: report it, then reconnect or stop. */
    private void end(int g, ParleyException err) {
        long wait;
        boolean fin = isFinal(err);
        synchronized (lock) {
            if (g != gen) {
                return;
            }
            gen++;
            WebSocket w = ws;
            ws = null;
            if (w != null) {
                w.cancel();
            }
            boolean wasAuthed = authed;
            authed = false;
            cancelPing();
            for (Parley.CallbackListener<Void> cb : pings) {
                c.fail(cb, err);
            }
            pings.clear();
            failWaiters(err);
            if (fin || !running) {
                running = false;
                wait = -1;
            } else {
                if (wasAuthed) {
                    attempt = 0;
                }
                wait = backoff(attempt, err);
                attempt++;
                final int next = gen;
                timer.schedule(new Runnable() {
                    @Override
                    public void run() {
                        connect(next);
                    }
                }, wait, TimeUnit.MILLISECONDS);
            }
        }
        setState(ParleyConstants.WS_STATE_DISCONNECTED, err);
        if (fin) {
            c.events().connectionError(err);
        }
    }

    private long backoff(int n, ParleyException err) {
        int code = err == null ? 0 : err.getCloseCode();
        if (n == 0 && (code == 4008 || code == 4009)) {
            return 0;
        }
        long min = c.settings().getReconnectMinMillis();
        long max = c.settings().getReconnectMaxMillis();
        long d = min << Math.min(n, 20);
        if (d <= 0 || d > max) {
            d = max;
        }
        return d / 2 + (long) (random.nextDouble() * (d / 2 + 1));
    }

    /** Whether retrying can't help: the session is no longer valid, or the server refused the client's frames. */
    static boolean isFinal(ParleyException e) {
        if (e == null) {
            return false;
        }
        switch (e.getCloseCode()) {
            case 4001: case 4003: case 4004: case 4005: case 1002: case 1003: case 1007: case 1009:
                return true;
            default:
                break;
        }
        String code = e.getCode() == null ? "" : e.getCode();
        if (ParleyException.ERR_NOT_LOGGED_IN.equals(code) || code.startsWith("AUTH_ERR_")) {
            return true;
        }
        int st = e.getHttpStatus();
        return st >= 400 && st < 500 && st != 429 && st != 408;
    }

    private void failWaiters(ParleyException err) {
        for (Parley.CallbackListener<String> cb : waiters) {
            c.fail(cb, err);
        }
        waiters.clear();
    }

    private void cancelPing() {
        if (pingTask != null) {
            pingTask.cancel(false);
            pingTask = null;
        }
    }

    private void setState(String s, ParleyException err) {
        boolean changed;
        synchronized (lock) {
            changed = !s.equals(state) || err != null;
            state = s;
        }
        if (changed) {
            c.events().state(s, err);
        }
    }
}
