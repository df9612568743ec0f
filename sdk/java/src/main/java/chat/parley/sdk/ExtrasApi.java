package chat.parley.sdk;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/** The bodies of the smaller calls: unread counts by conversation, online count, receipts, groups with members. */
final class ExtrasApi {
    private ExtrasApi() {
    }

    /** One of the two maps of {@link ParleyClient#getUnreadMessageCount}, or one entry of it. */
    static void unread(final ParleyClient c, final String type, final String id,
                       final Parley.CallbackListener<HashMap<String, Integer>> cb) {
        c.getUnreadMessageCount(new Parley.CallbackListener<HashMap<String, HashMap<String, Integer>>>() {
            @Override
            public void onSuccess(HashMap<String, HashMap<String, Integer>> all) {
                HashMap<String, Integer> of = all.get(type);
                if (id == null) {
                    cb.onSuccess(of);
                    return;
                }
                HashMap<String, Integer> one = new HashMap<String, Integer>();
                Integer n = of.get(id.trim().toLowerCase(java.util.Locale.ROOT));
                one.put(id, n == null ? 0 : n);
                cb.onSuccess(one);
            }

            @Override
            public void onError(ParleyException e) {
                cb.onError(e);
            }
        });
    }

    static void onlineUserCount(final ParleyClient c, Parley.CallbackListener<Integer> cb) {
        c.async(cb, new ParleyClient.Task<Integer>() {
            @Override
            public Integer run() throws ParleyException {
                Rest.Answer a = c.get(c.rest().url("users").addQueryParameter("status", ParleyConstants.USER_STATUS_ONLINE)
                        .addQueryParameter("perPage", "1").build());
                return (int) Json.lng(Json.obj(a.meta, "pagination"), "total");
            }
        });
    }

    /** Each group's online members, counted by the member list's status filter (one call per group). */
    static void onlineGroupMemberCount(final ParleyClient c, final List<String> guids,
                                       Parley.CallbackListener<HashMap<String, Integer>> cb) {
        c.async(cb, new ParleyClient.Task<HashMap<String, Integer>>() {
            @Override
            public HashMap<String, Integer> run() throws ParleyException {
                HashMap<String, Integer> out = new HashMap<String, Integer>();
                if (guids == null) {
                    return out;
                }
                for (String guid : guids) {
                    Rest.Answer a = c.get(c.rest().url("groups", guid, "members")
                            .addQueryParameter("status", ParleyConstants.USER_STATUS_ONLINE)
                            .addQueryParameter("perPage", "1").build());
                    out.put(guid, (int) Json.lng(Json.obj(a.meta, "pagination"), "total"));
                }
                return out;
            }
        });
    }

    /** A group message's receipts, for its sender: one delivered and/or read receipt per member who marked it. */
    static void receipts(final ParleyClient c, final long id, Parley.CallbackListener<List<MessageReceipt>> cb) {
        c.async(cb, new ParleyClient.Task<List<MessageReceipt>>() {
            @Override
            public List<MessageReceipt> run() throws ParleyException {
                JsonObject m = c.get(c.rest().url("messages", String.valueOf(id)).build()).obj();
                List<MessageReceipt> out = new ArrayList<MessageReceipt>();
                JsonArray rs = Json.arr(m, "receipts");
                if (rs == null) {
                    return out;
                }
                for (JsonElement e : rs) {
                    JsonObject r = e.getAsJsonObject();
                    User u = new User();
                    u.setUid(Json.str(r, "uid"));
                    String to = Json.str(m, "receiver");
                    String type = Json.str(m, "receiverType");
                    String conv = Json.str(m, "conversationId");
                    if (Json.lng(r, "deliveredAt") > 0) {
                        out.add(new MessageReceipt(id, u, to, type, MessageReceipt.RECEIPT_TYPE_DELIVERED,
                                Json.lng(r, "deliveredAt"), conv));
                    }
                    if (Json.lng(r, "readAt") > 0) {
                        out.add(new MessageReceipt(id, u, to, type, MessageReceipt.RECEIPT_TYPE_READ, Json.lng(r, "readAt"),
                                conv));
                    }
                }
                return out;
            }
        });
    }

    /** Creates a group with members in one call; answers {"group": Group, "members": uid → result}. */
    static void createGroupWithMembers(final ParleyClient c, final Group g, final List<GroupMember> members,
                                       final List<String> banned, Parley.CallbackListener<HashMap<String, Object>> cb) {
        c.async(cb, new ParleyClient.Task<HashMap<String, Object>>() {
            @Override
            public HashMap<String, Object> run() throws ParleyException {
                JsonObject body = g.toJson(true);
                body.add("members", GroupsApi.memberLists(members, banned));
                JsonObject res = c.send("POST", c.rest().url("groups").build(), body).obj();
                HashMap<String, Object> out = new HashMap<String, Object>();
                out.put("group", Group.fromJson(res));
                out.put("members", GroupsApi.bulkLists(Json.obj(res, "members")));
                return out;
            }
        });
    }
}
