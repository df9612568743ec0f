package chat.parley.sdk;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Tolerant reading of the server's JSON: ids and counts are read whether the server writes them
 * as strings or numbers (it writes message ids as strings, CometChat writes some counts so).
 */
final class Json {
    private Json() {
    }

    static JsonObject parse(String s) {
        JsonElement e = JsonParser.parseString(s);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
    }

    static JsonObject obj(JsonObject o, String key) {
        if (o == null) {
            return null;
        }
        JsonElement e = o.get(key);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
    }

    static JsonArray arr(JsonObject o, String key) {
        if (o == null) {
            return null;
        }
        JsonElement e = o.get(key);
        return e != null && e.isJsonArray() ? e.getAsJsonArray() : null;
    }

    static String str(JsonObject o, String key) {
        if (o == null) {
            return null;
        }
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive()) {
            return null;
        }
        return e.getAsString();
    }

    static long lng(JsonObject o, String key) {
        if (o == null) {
            return 0;
        }
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive()) {
            return 0;
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isNumber()) {
            return p.getAsLong();
        }
        if (p.isString()) {
            try {
                return Long.parseLong(p.getAsString().trim());
            } catch (NumberFormatException ex) {
                return 0;
            }
        }
        return 0;
    }

    static boolean bool(JsonObject o, String key) {
        if (o == null) {
            return false;
        }
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive()) {
            return false;
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isBoolean()) {
            return p.getAsBoolean();
        }
        return "true".equalsIgnoreCase(p.getAsString()) || "1".equals(p.getAsString());
    }

    static List<String> strings(JsonObject o, String key) {
        JsonArray a = arr(o, key);
        if (a == null) {
            return Collections.emptyList();
        }
        List<String> out = new ArrayList<String>(a.size());
        for (JsonElement e : a) {
            if (e.isJsonPrimitive()) {
                out.add(e.getAsString());
            }
        }
        return out;
    }

    static JsonArray array(List<String> vs) {
        JsonArray a = new JsonArray();
        if (vs != null) {
            for (String v : vs) {
                a.add(v);
            }
        }
        return a;
    }

    /** The entity of an {entity, entityType} pair: a User, Group, message or call (as JSON). */
    static Object entity(JsonObject pair) {
        if (pair == null) {
            return null;
        }
        JsonObject ent = obj(pair, "entity");
        if (ent == null) {
            return null;
        }
        String type = str(pair, "entityType");
        if ("user".equals(type)) {
            return User.fromJson(ent);
        }
        if ("group".equals(type)) {
            return Group.fromJson(ent);
        }
        if ("message".equals(type)) {
            return BaseMessage.fromJson(ent);
        }
        return ent;
    }
}
