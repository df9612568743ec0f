package chat.parley.sdk;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import okhttp3.HttpUrl;

/** The bodies of ParleyClient's user and session calls: create, login, profile, blocking. */
final class UsersApi {
    private UsersApi() {
    }

    static void createUser(final ParleyClient c, final User user, final String authKey, Parley.CallbackListener<User> cb) {
        c.async(cb, new ParleyClient.Task<User>() {
            @Override
            public User run() throws ParleyException {
                return User.fromJson(c.rest().call("POST", c.rest().url("users").build(), Rest.json(user.toJson()), null,
                        authKey).obj());
            }
        });
    }

    static void login(final ParleyClient c, final String token, Parley.CallbackListener<User> cb) {
        c.async(cb, new ParleyClient.Task<User>() {
            @Override
            public User run() throws ParleyException {
                return loginNow(c, token);
            }
        });
    }

    /** Makes an auth token for this device with the Auth Key, then logs in with it. */
    static void login(final ParleyClient c, final String uid, final String authKey, Parley.CallbackListener<User> cb) {
        c.async(cb, new ParleyClient.Task<User>() {
            @Override
            public User run() throws ParleyException {
                AppSettings settings = c.settings();
                JsonObject dev = new JsonObject();
                if (settings.getPlatform() != null) {
                    dev.addProperty("platform", settings.getPlatform());
                }
                if (settings.getDeviceId() != null) {
                    dev.addProperty("deviceId", settings.getDeviceId());
                }
                HttpUrl url = c.rest().url("users", uid.trim(), "auth_tokens").build();
                Rest.Answer a;
                try {
                    a = c.rest().call("POST", url, Rest.json(dev), null, authKey);
                } catch (ParleyException e) {
                    c.events().login(null, e);
                    throw e;
                }
                return loginNow(c, Json.str(a.obj(), "authToken"));
            }
        });
    }

    private static User loginNow(ParleyClient c, String token) throws ParleyException {
        User u;
        try {
            u = User.fromJson(c.rest().call("GET", c.rest().url("me").build(), null, token, null).obj());
            c.session(token, u);
            if (c.settings().shouldAutoEstablishSocketConnection()) {
                c.realtime().initCursor();
                c.realtime().start(null);
            }
        } catch (ParleyException e) {
            c.events().login(null, e);
            throw e;
        }
        c.events().login(u, null);
        return u;
    }

    static void logout(final ParleyClient c, Parley.CallbackListener<String> cb) {
        c.async(cb, new ParleyClient.Task<String>() {
            @Override
            public String run() throws ParleyException {
                c.realtime().stop();
                try {
                    c.send("DELETE", c.rest().url("me").build(), null);
                } catch (ParleyException e) {
                    c.events().logout(e);
                    throw e;
                }
                c.session(null, null);
                c.events().logout(null);
                return "logged out";
            }
        });
    }

    static void updateMe(final ParleyClient c, final User user, Parley.CallbackListener<User> cb) {
        c.async(cb, new ParleyClient.Task<User>() {
            @Override
            public User run() throws ParleyException {
                JsonObject body = user.toJson();
                body.remove("uid");
                User u = User.fromJson(c.send("PUT", c.rest().url("me").build(), body).obj());
                c.session(c.authToken(), u);
                return u;
            }
        });
    }

    static void getUser(final ParleyClient c, final String uid, Parley.CallbackListener<User> cb) {
        c.async(cb, new ParleyClient.Task<User>() {
            @Override
            public User run() throws ParleyException {
                return User.fromJson(c.get(c.rest().url("users", uid).build()).obj());
            }
        });
    }

    static void blocks(final ParleyClient c, final String method, final List<String> uids,
                       Parley.CallbackListener<HashMap<String, String>> cb) {
        c.async(cb, new ParleyClient.Task<HashMap<String, String>>() {
            @Override
            public HashMap<String, String> run() throws ParleyException {
                JsonObject body = new JsonObject();
                body.add("blockedUids", Json.array(uids));
                return bulk(c.send(method, c.rest().url("blockedusers").build(), body).obj());
            }
        });
    }

    /** Reads a bulk answer: uid → "success", or the uid's error code. */
    static HashMap<String, String> bulk(JsonObject o) {
        HashMap<String, String> out = new HashMap<String, String>();
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            if (!e.getValue().isJsonObject()) {
                continue;
            }
            JsonObject r = e.getValue().getAsJsonObject();
            if (Json.bool(r, "success")) {
                out.put(e.getKey(), "success");
            } else {
                String code = Json.str(Json.obj(r, "error"), "code");
                out.put(e.getKey(), code == null ? "error" : code);
            }
        }
        return out;
    }
}
