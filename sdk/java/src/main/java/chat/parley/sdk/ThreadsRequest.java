package chat.parley.sdk;

import com.google.gson.JsonElement;

import java.util.ArrayList;
import java.util.List;

import okhttp3.HttpUrl;

/**
 * Pages the threads the logged-in user may see (messages with replies), or those they follow
 * ({@code setParticipatedByMe(true)}), of every conversation, of one user's or of one group's, by
 * cursor over the parents' ids: {@link #fetchPrevious} walks back from the newest parent,
 * {@link #fetchNext} forward from the oldest. Each page is in ascending parent id order; an empty
 * list means the end.
 */
public class ThreadsRequest {
    private final ThreadsRequestBuilder b;
    private final Object lock = new Object();
    private long prev;
    private long next;

    private ThreadsRequest(ThreadsRequestBuilder b) {
        this.b = b;
    }

    public void fetchPrevious(Parley.CallbackListener<List<MessageThread>> cb) {
        fetch(cb, true);
    }

    public void fetchNext(Parley.CallbackListener<List<MessageThread>> cb) {
        fetch(cb, false);
    }

    private void fetch(Parley.CallbackListener<List<MessageThread>> cb, final boolean back) {
        final ParleyClient c = Parley.resolve(b.client, cb);
        if (c == null) {
            return;
        }
        c.async(cb, new ParleyClient.Task<List<MessageThread>>() {
            @Override
            public List<MessageThread> run() throws ParleyException {
                HttpUrl.Builder u;
                if (b.uid != null) {
                    u = c.rest().url("users", b.uid, "threads");
                } else if (b.guid != null) {
                    u = c.rest().url("groups", b.guid, "threads");
                } else {
                    u = c.rest().url("threads");
                }
                u.addQueryParameter("limit", String.valueOf(b.limit));
                if (b.participatedByMe) {
                    u.addQueryParameter("participatedByMe", "true");
                }
                long from;
                synchronized (lock) {
                    from = back ? prev : next;
                }
                if (!back || from > 0) {
                    u.addQueryParameter("affix", back ? "prepend" : "append");
                }
                if (from > 0) {
                    u.addQueryParameter("id", String.valueOf(from));
                }
                Rest.Answer a = c.get(u.build());
                List<MessageThread> out = new ArrayList<MessageThread>();
                if (a.data != null && a.data.isJsonArray()) {
                    for (JsonElement e : a.data.getAsJsonArray()) {
                        if (e.isJsonObject()) {
                            out.add(MessageThread.fromJson(e.getAsJsonObject()));
                        }
                    }
                }
                if (!out.isEmpty()) {
                    long first = out.get(0).getParentMessageId();
                    long last = out.get(out.size() - 1).getParentMessageId();
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

    public static class ThreadsRequestBuilder {
        private ParleyClient client;
        private String uid;
        private String guid;
        private boolean participatedByMe;
        private int limit = 30;

        /** The client to act for; the static {@link Parley} client when unset. */
        public ThreadsRequestBuilder setClient(ParleyClient c) {
            client = c;
            return this;
        }

        /** Only the threads of the conversation with this user. */
        public ThreadsRequestBuilder setUID(String uid) {
            this.uid = uid;
            return this;
        }

        /** Only the threads of this group (members only). */
        public ThreadsRequestBuilder setGUID(String guid) {
            this.guid = guid;
            return this;
        }

        /** Only the threads the logged-in user follows (a thread with no reply yet included). */
        public ThreadsRequestBuilder setParticipatedByMe(boolean b) {
            participatedByMe = b;
            return this;
        }

        /** Threads per page (1–1000; 30 by default). */
        public ThreadsRequestBuilder setLimit(int limit) {
            this.limit = limit;
            return this;
        }

        public ThreadsRequest build() {
            return new ThreadsRequest(this);
        }
    }
}
