package chat.parley.sdk;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import okhttp3.HttpUrl;

/** The bodies of ParleyClient's group, conversation and call calls. */
final class GroupsApi {
    private GroupsApi() {
    }

    static void simple(final ParleyClient c, final String method, final HttpUrl url, final JsonObject body,
                       Parley.CallbackListener<String> cb) {
        c.async(cb, new ParleyClient.Task<String>() {
            @Override
            public String run() throws ParleyException {
                return ParleyClient.successOf(c.send(method, url, body));
            }
        });
    }

    static void createGroup(final ParleyClient c, final Group g, Parley.CallbackListener<Group> cb) {
        c.async(cb, new ParleyClient.Task<Group>() {
            @Override
            public Group run() throws ParleyException {
                return Group.fromJson(c.send("POST", c.rest().url("groups").build(), g.toJson(true)).obj());
            }
        });
    }

    static void getGroup(final ParleyClient c, final String guid, Parley.CallbackListener<Group> cb) {
        c.async(cb, new ParleyClient.Task<Group>() {
            @Override
            public Group run() throws ParleyException {
                return Group.fromJson(c.get(c.rest().url("groups", guid).build()).obj());
            }
        });
    }

    static void updateGroup(final ParleyClient c, final Group g, Parley.CallbackListener<Group> cb) {
        c.async(cb, new ParleyClient.Task<Group>() {
            @Override
            public Group run() throws ParleyException {
                return Group.fromJson(c.send("PUT", c.rest().url("groups", g.getGuid()).build(), g.toJson(false)).obj());
            }
        });
    }

    static void joinGroup(final ParleyClient c, final String guid, final String password, Parley.CallbackListener<Group> cb) {
        c.async(cb, new ParleyClient.Task<Group>() {
            @Override
            public Group run() throws ParleyException {
                JsonObject body = new JsonObject();
                if (password != null && !password.isEmpty()) {
                    body.addProperty("password", password);
                }
                return Group.fromJson(c.send("POST", c.rest().url("groups", guid, "members").build(), body).obj());
            }
        });
    }

    static void addMembers(final ParleyClient c, final String guid, final List<GroupMember> members,
                           final List<String> banned, Parley.CallbackListener<HashMap<String, String>> cb) {
        c.async(cb, new ParleyClient.Task<HashMap<String, String>>() {
            @Override
            public HashMap<String, String> run() throws ParleyException {
                JsonObject res = c.send("POST", c.rest().url("groups", guid, "members").build(),
                        memberLists(members, banned)).obj();
                return bulkLists(res);
            }
        });
    }

    /** The body of an add: the members by scope, and the uids to ban. */
    static JsonObject memberLists(List<GroupMember> members, List<String> banned) {
        List<String> admins = new ArrayList<String>();
        List<String> mods = new ArrayList<String>();
        List<String> parts = new ArrayList<String>();
        if (members != null) {
            for (GroupMember m : members) {
                if (ParleyConstants.SCOPE_ADMIN.equals(m.getScope())) {
                    admins.add(m.getUid());
                } else if (ParleyConstants.SCOPE_MODERATOR.equals(m.getScope())) {
                    mods.add(m.getUid());
                } else {
                    parts.add(m.getUid());
                }
            }
        }
        JsonObject body = new JsonObject();
        body.add("admins", Json.array(admins));
        body.add("moderators", Json.array(mods));
        body.add("participants", Json.array(parts));
        body.add("usersToBan", Json.array(banned));
        return body;
    }

    /** The per-list, per-uid answer of an add, flattened: uid → "success" or its code. */
    static HashMap<String, String> bulkLists(JsonObject res) {
        HashMap<String, String> out = new HashMap<String, String>();
        if (res == null) {
            return out;
        }
        for (Map.Entry<String, JsonElement> list : res.entrySet()) {
            if (list.getValue().isJsonObject()) {
                out.putAll(UsersApi.bulk(list.getValue().getAsJsonObject()));
            }
        }
        return out;
    }

    static void conversation(final ParleyClient c, final String method, final String with, final String type,
                             final JsonObject body, Parley.CallbackListener<Conversation> cb) {
        c.async(cb, new ParleyClient.Task<Conversation>() {
            @Override
            public Conversation run() throws ParleyException {
                return Conversation.fromJson(c.send(method, c.conversationUrl(with, type).build(), body).obj());
            }
        });
    }

    static void unreadCounts(final ParleyClient c, Parley.CallbackListener<HashMap<String, HashMap<String, Integer>>> cb) {
        c.async(cb, new ParleyClient.Task<HashMap<String, HashMap<String, Integer>>>() {
            @Override
            public HashMap<String, HashMap<String, Integer>> run() throws ParleyException {
                HttpUrl url = c.rest().url("messages").addQueryParameter("unread", "1").addQueryParameter("count", "1")
                        .build();
                Rest.Answer a = c.get(url);
                HashMap<String, Integer> users = new HashMap<String, Integer>();
                HashMap<String, Integer> groups = new HashMap<String, Integer>();
                User me = c.getLoggedInUser();
                String myUid = me == null ? "" : me.getUid();
                if (a.data != null && a.data.isJsonArray()) {
                    for (JsonElement e : a.data.getAsJsonArray()) {
                        JsonObject o = e.getAsJsonObject();
                        String id = Json.str(o, "conversationId");
                        int n = (int) Json.lng(o, "count");
                        if (id == null) {
                            continue;
                        }
                        if (id.startsWith("group_")) {
                            groups.put(id.substring(6), n);
                        } else {
                            int i = id.indexOf("_user_");
                            if (i > 0) {
                                String x = id.substring(0, i);
                                String y = id.substring(i + 6);
                                users.put(x.equals(myUid) ? y : x, n);
                            }
                        }
                    }
                }
                HashMap<String, HashMap<String, Integer>> out = new HashMap<String, HashMap<String, Integer>>();
                out.put(ParleyConstants.RECEIVER_TYPE_USER, users);
                out.put(ParleyConstants.RECEIVER_TYPE_GROUP, groups);
                return out;
            }
        });
    }

    static void initiateCall(final ParleyClient c, final Call call, Parley.CallbackListener<Call> cb) {
        c.async(cb, new ParleyClient.Task<Call>() {
            @Override
            public Call run() throws ParleyException {
                JsonObject body = new JsonObject();
                body.addProperty("receiver", call.getReceiverUid());
                body.addProperty("receiverType", call.getReceiverType());
                body.addProperty("type", call.getType());
                if (call.getMetadata() != null) {
                    body.add("metadata", call.getMetadata());
                }
                return (Call) BaseMessage.fromJson(c.send("POST", c.rest().url("calls").build(), body).obj());
            }
        });
    }

    static void updateCall(final ParleyClient c, final String sessionId, final String status, Parley.CallbackListener<Call> cb) {
        c.async(cb, new ParleyClient.Task<Call>() {
            @Override
            public Call run() throws ParleyException {
                JsonObject body = new JsonObject();
                body.addProperty("status", status);
                return (Call) BaseMessage.fromJson(c.send("PUT", c.rest().url("calls", sessionId).build(), body).obj());
            }
        });
    }

}
