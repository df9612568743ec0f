package chat.parley.sdk;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;

import okhttp3.HttpUrl;

/**
 * An entity list paged by number (users, groups, members, banned members, conversations, blocked
 * users): each {@link #fetchNext} returns the next page, an empty list past the end.
 */
abstract class PagedRequest<T> {
    private final ParleyClient client;
    final int limit;
    private int page;
    private boolean done;
    private final Object lock = new Object();

    PagedRequest(ParleyClient client, int limit) {
        this.client = client;
        this.limit = limit <= 0 ? 30 : limit;
    }

    /** The list's URL with its filters, without paging. */
    abstract HttpUrl.Builder url(ParleyClient c);

    abstract T item(JsonObject o);

    /** The next page; an empty list once every item was returned. */
    public void fetchNext(Parley.CallbackListener<List<T>> cb) {
        final ParleyClient c = Parley.resolve(client, cb);
        if (c == null) {
            return;
        }
        c.async(cb, new ParleyClient.Task<List<T>>() {
            @Override
            public List<T> run() throws ParleyException {
                int p;
                synchronized (lock) {
                    if (done) {
                        return new ArrayList<T>();
                    }
                    p = ++page;
                }
                HttpUrl url = url(c).addQueryParameter("perPage", String.valueOf(limit))
                        .addQueryParameter("page", String.valueOf(p)).build();
                Rest.Answer a = c.get(url);
                List<T> out = new ArrayList<T>();
                if (a.data != null && a.data.isJsonArray()) {
                    for (JsonElement e : a.data.getAsJsonArray()) {
                        if (e.isJsonObject()) {
                            out.add(item(e.getAsJsonObject()));
                        }
                    }
                }
                JsonObject pg = Json.obj(a.meta, "pagination");
                synchronized (lock) {
                    if (out.isEmpty() || (pg != null && p >= Json.lng(pg, "total_pages"))) {
                        done = true;
                    }
                }
                return out;
            }
        });
    }
}
