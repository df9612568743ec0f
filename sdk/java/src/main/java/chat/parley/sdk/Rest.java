package chat.parley.sdk;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.util.List;

import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/** The REST API: one request, its envelope read, its error turned into a ParleyException. */
final class Rest {
    static final MediaType JSON = MediaType.parse("application/json; charset=utf-8");

    /** The {data, meta} of an answer. */
    static final class Answer {
        final JsonElement data;
        final JsonObject meta;

        Answer(JsonElement data, JsonObject meta) {
            this.data = data;
            this.meta = meta;
        }

        JsonObject obj() {
            return data != null && data.isJsonObject() ? data.getAsJsonObject() : new JsonObject();
        }
    }

    private final OkHttpClient http;
    private final HttpUrl base;
    private final String appId;
    private final String deviceId;

    Rest(OkHttpClient http, HttpUrl base, String appId, String deviceId) {
        this.http = http;
        this.base = base;
        this.appId = appId;
        this.deviceId = deviceId;
    }

    HttpUrl base() {
        return base;
    }

    /** A URL under /v3: each segment is escaped. */
    HttpUrl.Builder url(String... segments) {
        HttpUrl.Builder b = base.newBuilder().addPathSegment("v3");
        for (String s : segments) {
            b.addPathSegment(s);
        }
        return b;
    }

    /** Calls with a user's auth token (or, with apiKey set, an Auth Key). */
    Answer call(String method, HttpUrl url, RequestBody body, String authToken, String apiKey) throws ParleyException {
        Request.Builder rb = new Request.Builder().url(url).header("Accept", "application/json").header("appid", appId)
                .header("sdk", "parley-java");
        if (apiKey != null) {
            rb.header("apikey", apiKey);
        } else if (authToken != null) {
            rb.header("authtoken", authToken);
        }
        if (deviceId != null) {
            rb.header("deviceId", deviceId);
        }
        if (body == null && ("POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method))) {
            body = RequestBody.create(JSON, "{}");
        }
        rb.method(method, body);
        Response res;
        try {
            res = http.newCall(rb.build()).execute();
        } catch (IOException e) {
            throw new ParleyException(ParleyException.ERR_CONNECTION, "the server could not be reached: " + e.getMessage(),
                    0, 0, e);
        }
        String text;
        try {
            ResponseBody rbody = res.body();
            text = rbody == null ? "" : rbody.string();
        } catch (IOException e) {
            throw new ParleyException(ParleyException.ERR_CONNECTION, "the answer broke off: " + e.getMessage(), 0, 0, e);
        } finally {
            res.close();
        }
        JsonObject env;
        try {
            env = Json.parse(text);
        } catch (RuntimeException e) {
            env = null;
        }
        if (env == null) {
            throw new ParleyException(ParleyException.ERR_BAD_RESPONSE,
                    "HTTP " + res.code() + " with a body that is not the API's JSON", res.code(), 0, null);
        }
        JsonObject err = Json.obj(env, "error");
        if (!res.isSuccessful() || err != null) {
            String code = Json.str(err, "code");
            String msg = Json.str(err, "message");
            throw new ParleyException(code == null ? ParleyException.ERR_BAD_RESPONSE : code,
                    msg == null ? "HTTP " + res.code() : msg, res.code(), 0, null);
        }
        return new Answer(env.get("data"), Json.obj(env, "meta"));
    }

    static RequestBody json(JsonObject o) {
        return RequestBody.create(JSON, o.toString());
    }

    static void addList(HttpUrl.Builder b, String name, List<String> vs) {
        if (vs != null && !vs.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (String v : vs) {
                if (sb.length() > 0) {
                    sb.append(',');
                }
                sb.append(v);
            }
            b.addQueryParameter(name, sb.toString());
        }
    }
}
