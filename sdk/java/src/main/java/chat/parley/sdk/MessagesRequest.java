package chat.parley.sdk;

import com.google.gson.JsonElement;

import java.util.ArrayList;
import java.util.List;

import okhttp3.HttpUrl;

/**
 * Pages messages by cursor, as CometChat's: {@link #fetchPrevious} walks back from the newest
 * message (or from {@code setMessageId}/{@code setTimestamp}), {@link #fetchNext} forward from the
 * oldest (or from that anchor). Each page is in ascending id order; an empty list means the end.
 */
public class MessagesRequest {
    private final MessagesRequestBuilder b;
    private final Object lock = new Object();
    private long prev;
    private long next;
    /** For setUnread: the conversation's read watermark, read once (-1 until then). */
    private long watermark = -1;

    private MessagesRequest(MessagesRequestBuilder b) {
        this.b = b;
    }

    public void fetchPrevious(Parley.CallbackListener<List<BaseMessage>> cb) {
        fetch(cb, true);
    }

    public void fetchNext(Parley.CallbackListener<List<BaseMessage>> cb) {
        fetch(cb, false);
    }

    private void fetch(Parley.CallbackListener<List<BaseMessage>> cb, final boolean back) {
        final ParleyClient c = Parley.resolve(b.client, cb);
        if (c == null) {
            return;
        }
        c.async(cb, new ParleyClient.Task<List<BaseMessage>>() {
            @Override
            public List<BaseMessage> run() throws ParleyException {
                long floor = b.unread ? watermark(c) : 0;
                HttpUrl.Builder u;
                if (b.parentMessageId > 0) {
                    u = c.rest().url("messages", String.valueOf(b.parentMessageId), "thread");
                } else if (b.uid != null) {
                    u = c.rest().url("users", b.uid, "messages");
                } else if (b.guid != null) {
                    u = c.rest().url("groups", b.guid, "messages");
                } else {
                    u = c.rest().url("messages");
                }
                u.addQueryParameter("limit", String.valueOf(b.limit));
                long from;
                synchronized (lock) {
                    from = back ? prev : next;
                }
                if (!back || from > 0 || b.messageId > 0 || b.timestamp > 0) {
                    u.addQueryParameter("affix", back ? "prepend" : "append");
                }
                if (from > 0) {
                    u.addQueryParameter("id", String.valueOf(from));
                } else if (!back && floor > 0) {
                    u.addQueryParameter("id", String.valueOf(floor));
                } else if (b.messageId > 0) {
                    u.addQueryParameter("id", String.valueOf(b.messageId));
                } else if (b.timestamp > 0) {
                    u.addQueryParameter("sentAt", String.valueOf(b.timestamp));
                }
                Rest.addList(u, "categories", b.categories);
                Rest.addList(u, "types", b.types);
                Rest.addList(u, "tags", b.tags);
                if (b.searchKeyword != null) {
                    u.addQueryParameter("searchKey", b.searchKeyword);
                }
                if (b.hideReplies) {
                    u.addQueryParameter("hideReplies", "true");
                }
                if (b.hideDeleted) {
                    u.addQueryParameter("hideDeleted", "true");
                }
                if (b.hideBlocked) {
                    u.addQueryParameter("hideMessagesFromBlockedUsers", "true");
                }
                if (b.withTags) {
                    u.addQueryParameter("withTags", "true");
                }
                Rest.Answer a = c.get(u.build());
                List<BaseMessage> out = new ArrayList<BaseMessage>();
                if (a.data != null && a.data.isJsonArray()) {
                    for (JsonElement e : a.data.getAsJsonArray()) {
                        if (e.isJsonObject()) {
                            out.add(BaseMessage.fromJson(e.getAsJsonObject()));
                        }
                    }
                }
                if (!out.isEmpty()) {
                    long first = out.get(0).getId();
                    long last = out.get(out.size() - 1).getId();
                    if (first <= floor) {
                        List<BaseMessage> after = new ArrayList<BaseMessage>();
                        for (BaseMessage m : out) {
                            if (m.getId() > floor) {
                                after.add(m);
                            }
                        }
                        out = after;
                    }
                    synchronized (lock) {
                        if (back) {
                            prev = first;
                            if (next == 0) {
                                next = last;
                            }
                        } else {
                            next = last;
                            if (prev == 0) {
                                prev = first;
                            }
                        }
                    }
                }
                return out;
            }
        });
    }

    /** The read watermark of the request's conversation, fetched on the first page (0 before any message). */
    private long watermark(ParleyClient c) throws ParleyException {
        synchronized (lock) {
            if (watermark >= 0) {
                return watermark;
            }
        }
        if (b.uid == null && b.guid == null) {
            throw new ParleyException(ParleyException.ERR_INVALID_ARGUMENT, "setUnread needs setUID or setGUID");
        }
        long w;
        try {
            String type = b.uid != null ? ParleyConstants.RECEIVER_TYPE_USER : ParleyConstants.RECEIVER_TYPE_GROUP;
            w = Conversation.fromJson(c.get(c.conversationUrl(b.uid != null ? b.uid : b.guid, type).build()).obj())
                    .getLastReadMessageId();
        } catch (ParleyException e) {
            if (e.getHttpStatus() != 404 || !"ERR_CONVERSATION_NOT_ACCESSIBLE".equals(e.getCode())) {
                throw e;
            }
            w = 0; // no message yet: nothing read, nothing to read
        }
        synchronized (lock) {
            watermark = w;
        }
        return w;
    }

    public static class MessagesRequestBuilder {
        private ParleyClient client;
        private String uid;
        private String guid;
        private long parentMessageId;
        private int limit = 30;
        private long messageId;
        private long timestamp;
        private List<String> categories;
        private List<String> types;
        private List<String> tags;
        private String searchKeyword;
        private boolean hideReplies;
        private boolean hideDeleted;
        private boolean hideBlocked;
        private boolean withTags;
        private boolean unread;

        /** The client to use (Parley's addition, for programs holding several); default: {@link Parley}'s. */
        public MessagesRequestBuilder setClient(ParleyClient c) {
            client = c;
            return this;
        }

        /** The one-to-one conversation with this user. */
        public MessagesRequestBuilder setUID(String uid) {
            this.uid = uid;
            return this;
        }

        /** The group's conversation. */
        public MessagesRequestBuilder setGUID(String guid) {
            this.guid = guid;
            return this;
        }

        /** The replies of this message's thread. */
        public MessagesRequestBuilder setParentMessageId(long id) {
            parentMessageId = id;
            return this;
        }

        /** Messages per page (1–1000; 30 by default). */
        public MessagesRequestBuilder setLimit(int limit) {
            this.limit = limit;
            return this;
        }

        /** The anchor: fetchPrevious returns messages before it, fetchNext after it. */
        public MessagesRequestBuilder setMessageId(long id) {
            messageId = id;
            return this;
        }

        /** An anchor by time (Unix seconds), when no message id is set. */
        public MessagesRequestBuilder setTimestamp(long ts) {
            timestamp = ts;
            return this;
        }

        public MessagesRequestBuilder setCategories(List<String> categories) {
            this.categories = categories;
            return this;
        }

        public MessagesRequestBuilder setTypes(List<String> types) {
            this.types = types;
            return this;
        }

        public MessagesRequestBuilder setTags(List<String> tags) {
            this.tags = tags;
            return this;
        }

        public MessagesRequestBuilder withTags(boolean b) {
            withTags = b;
            return this;
        }

        public MessagesRequestBuilder setSearchKeyword(String s) {
            searchKeyword = s;
            return this;
        }

        public MessagesRequestBuilder hideReplies(boolean b) {
            hideReplies = b;
            return this;
        }

        public MessagesRequestBuilder hideDeletedMessages(boolean b) {
            hideDeleted = b;
            return this;
        }

        public MessagesRequestBuilder hideMessagesFromBlockedUsers(boolean b) {
            hideBlocked = b;
            return this;
        }

        /**
         * Only the messages after the logged-in user's read watermark of the conversation (needs
         * setUID or setGUID): fetchNext pages forward from the watermark, fetchPrevious back to it.
         */
        public MessagesRequestBuilder setUnread(boolean b) {
            unread = b;
            return this;
        }

        public MessagesRequest build() {
            return new MessagesRequest(this);
        }
    }
}
