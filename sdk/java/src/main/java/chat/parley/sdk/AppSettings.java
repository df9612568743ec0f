package chat.parley.sdk;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executor;

import okhttp3.OkHttpClient;

/**
 * How the SDK reaches the server and behaves, built as CometChat's:
 * <pre>
 * AppSettings s = new AppSettings.AppSettingsBuilder()
 *     .setBaseUrl("https://chat.example.com")
 *     .subscribePresenceForAllUsers()
 *     .autoEstablishSocketConnection(true)
 *     .build();
 * </pre>
 */
public final class AppSettings {
    static final String PRESENCE_ALL_USERS = "ALL_USERS";
    static final String PRESENCE_ROLES = "ROLES";
    static final String PRESENCE_FRIENDS = "FRIENDS";
    /** The protocol's keepalive: the default, and the range a client may declare (seconds). */
    static final int DEFAULT_KEEPALIVE_SECONDS = 25, MIN_KEEPALIVE_SECONDS = 25, MAX_KEEPALIVE_SECONDS = 300;

    private final String baseUrl;
    private final String presence;
    private final List<String> roles;
    private final boolean autoConnect;
    private final String deviceId;
    private final String platform;
    private final Executor callbackExecutor;
    private final OkHttpClient okHttpClient;
    private final long pingIntervalMillis;
    private final int keepaliveSeconds;
    private final long reconnectMinMillis;
    private final long reconnectMaxMillis;
    private final long lastMessageId;

    private AppSettings(AppSettingsBuilder b) {
        baseUrl = b.baseUrl;
        presence = b.presence;
        roles = Collections.unmodifiableList(new ArrayList<String>(b.roles));
        autoConnect = b.autoConnect;
        deviceId = b.deviceId;
        platform = b.platform;
        callbackExecutor = b.callbackExecutor;
        okHttpClient = b.okHttpClient;
        keepaliveSeconds = b.keepaliveSeconds;
        pingIntervalMillis = b.pingIntervalMillis > 0 ? b.pingIntervalMillis
                : 1000L * (keepaliveSeconds > 0 ? keepaliveSeconds : DEFAULT_KEEPALIVE_SECONDS);
        reconnectMinMillis = b.reconnectMinMillis;
        reconnectMaxMillis = b.reconnectMaxMillis;
        lastMessageId = b.lastMessageId;
    }

    public String getBaseUrl() {
        return baseUrl;
    }

    /** ALL_USERS, ROLES, FRIENDS, or null (no presence). */
    public String getSubscriptionType() {
        return presence;
    }

    public List<String> getRoles() {
        return roles;
    }

    /** True in auto mode (the default), false in manual mode. */
    public boolean shouldAutoEstablishSocketConnection() {
        return autoConnect;
    }

    public String getDeviceId() {
        return deviceId;
    }

    String getPlatform() {
        return platform;
    }

    Executor getCallbackExecutor() {
        return callbackExecutor;
    }

    OkHttpClient getOkHttpClient() {
        return okHttpClient;
    }

    long getPingIntervalMillis() {
        return pingIntervalMillis;
    }

    /** The keepalive declared to the server, in seconds; 0 when none is (the server's 25 s). */
    public int getKeepalive() {
        return keepaliveSeconds;
    }

    long getReconnectMinMillis() {
        return reconnectMinMillis;
    }

    long getReconnectMaxMillis() {
        return reconnectMaxMillis;
    }

    long getLastMessageId() {
        return lastMessageId;
    }

    /** Builds {@link AppSettings}. Only the base URL is required. */
    public static final class AppSettingsBuilder {
        private String baseUrl;
        private String presence;
        private final List<String> roles = new ArrayList<String>();
        private boolean autoConnect = true;
        private String deviceId;
        private String platform = "android";
        private Executor callbackExecutor;
        private OkHttpClient okHttpClient;
        private long pingIntervalMillis; // 0: the keepalive's
        private int keepaliveSeconds;
        private long reconnectMinMillis = 500;
        private long reconnectMaxMillis = 30000;
        private long lastMessageId;

        /**
         * The server: {@code https://chat.example.com} (or http for development). CometChat's
         * {@code setRegion} picks a hosted region; a self-hosted Parley has one URL.
         */
        public AppSettingsBuilder setBaseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        /** Receive every user's presence (onUserOnline/onUserOffline). */
        public AppSettingsBuilder subscribePresenceForAllUsers() {
            presence = PRESENCE_ALL_USERS;
            return this;
        }

        /** Receive the presence of users holding one of these roles (1–25). */
        public AppSettingsBuilder subscribePresenceForRoles(List<String> roles) {
            presence = PRESENCE_ROLES;
            this.roles.clear();
            this.roles.addAll(roles);
            return this;
        }

        /** Receive the presence of the logged-in user's friends. */
        public AppSettingsBuilder subscribePresenceForFriends() {
            presence = PRESENCE_FRIENDS;
            return this;
        }

        /**
         * True (the default): auto mode, the SDK connects the WebSocket at login and keeps it up.
         * False: manual mode, no connection until {@link Parley#connect}.
         */
        public AppSettingsBuilder autoEstablishSocketConnection(boolean auto) {
            this.autoConnect = auto;
            return this;
        }

        /** This device's id, sent with the socket's auth frame and every REST call (Parley's). */
        public AppSettingsBuilder setDeviceId(String deviceId) {
            this.deviceId = deviceId;
            return this;
        }

        /** The platform recorded on auth tokens made by login with an Auth Key ("android" by default). */
        public AppSettingsBuilder setPlatform(String platform) {
            this.platform = platform;
            return this;
        }

        /**
         * Where every callback runs (listeners and {@link Parley.CallbackListener}s). It must run
         * tasks one at a time in the order given, as Android's main looper does:
         * {@code setCallbackExecutor(new Handler(Looper.getMainLooper())::post)}. Default: one
         * SDK thread of its own.
         */
        public AppSettingsBuilder setCallbackExecutor(Executor executor) {
            this.callbackExecutor = executor;
            return this;
        }

        /** The OkHttp client to use (its interceptors, proxy, TLS); the SDK makes its own by default. */
        public AppSettingsBuilder setOkHttpClient(OkHttpClient client) {
            this.okHttpClient = client;
            return this;
        }

        /**
         * How often the SDK pings an idle connection: the keepalive ({@link #setKeepalive}, 25 s by
         * default); the server closes a connection silent for 1.2 times the keepalive.
         */
        public AppSettingsBuilder setPingInterval(long millis) {
            this.pingIntervalMillis = millis;
            return this;
        }

        /**
         * Declares in the WebSocket's auth frame how often, in seconds (25–300), this client pings
         * when idle: the server then pings it only after that long and closes it after 1.2 times
         * that. A longer keepalive wakes the radio less often (battery) and costs the server less,
         * but a dead connection is found later. Not declared by default (25 s).
         *
         * @throws IllegalArgumentException outside 25–300
         */
        public AppSettingsBuilder setKeepalive(int seconds) {
            if (seconds < MIN_KEEPALIVE_SECONDS || seconds > MAX_KEEPALIVE_SECONDS) {
                throw new IllegalArgumentException("keepalive must be 25 to 300 seconds: " + seconds);
            }
            this.keepaliveSeconds = seconds;
            return this;
        }

        /** Bounds of the jittered exponential reconnection backoff (0.5 s and 30 s by default). */
        public AppSettingsBuilder setReconnectBackoff(long minMillis, long maxMillis) {
            this.reconnectMinMillis = minMillis;
            this.reconnectMaxMillis = maxMillis;
            return this;
        }

        /**
         * Resume after this message id on the first connection: a saved
         * {@link Parley#getLastDeliveredMessageId()}, so messages sent while the app was not
         * running reach the listeners first.
         */
        public AppSettingsBuilder setLastMessageId(long id) {
            this.lastMessageId = id;
            return this;
        }

        public AppSettings build() {
            return new AppSettings(this);
        }
    }
}
