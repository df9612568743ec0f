package chat.parley.sdk;

import com.google.gson.JsonElement;

import java.util.ArrayList;
import java.util.List;

import okhttp3.HttpUrl;

/** Pages who reacted to a message, in the order they reacted (by cursor): {@link #fetchNext}. */
public class ReactionsRequest {
    private final ReactionsRequestBuilder b;
    private final Object lock = new Object();
    private long next;

    private ReactionsRequest(ReactionsRequestBuilder b) {
        this.b = b;
    }

    /** The next page of reactions; an empty list at the end. */
    public void fetchNext(Parley.CallbackListener<List<Reaction>> cb) {
        final ParleyClient c = Parley.resolve(b.client, cb);
        if (c == null) {
            return;
        }
        c.async(cb, new ParleyClient.Task<List<Reaction>>() {
            @Override
            public List<Reaction> run() throws ParleyException {
                HttpUrl.Builder u = c.rest().url("messages", String.valueOf(b.messageId), "reactions");
                if (b.reaction != null) {
                    u.addPathSegment(b.reaction);
                }
                u.addQueryParameter("limit", String.valueOf(b.limit));
                synchronized (lock) {
                    if (next > 0) {
                        u.addQueryParameter("id", String.valueOf(next)).addQueryParameter("affix", "append");
                    }
                }
                Rest.Answer a = c.get(u.build());
                List<Reaction> out = new ArrayList<Reaction>();
                if (a.data != null && a.data.isJsonArray()) {
                    for (JsonElement e : a.data.getAsJsonArray()) {
                        if (e.isJsonObject()) {
                            out.add(Reaction.fromJson(e.getAsJsonObject()));
                        }
                    }
                }
                if (!out.isEmpty()) {
                    synchronized (lock) {
                        next = out.get(out.size() - 1).getId();
                    }
                }
                return out;
            }
        });
    }

    public static class ReactionsRequestBuilder {
        private ParleyClient client;
        private long messageId;
        private String reaction;
        private int limit = 30;

        public ReactionsRequestBuilder setClient(ParleyClient c) {
            client = c;
            return this;
        }

        public ReactionsRequestBuilder setMessageId(long id) {
            messageId = id;
            return this;
        }

        /** Only this reaction (an emoji); all when unset. */
        public ReactionsRequestBuilder setReaction(String reaction) {
            this.reaction = reaction;
            return this;
        }

        public ReactionsRequestBuilder setLimit(int limit) {
            this.limit = limit;
            return this;
        }

        public ReactionsRequest build() {
            return new ReactionsRequest(this);
        }
    }
}
