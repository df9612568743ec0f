package chat.parley.sdk;

import com.google.gson.JsonObject;

import okhttp3.HttpUrl;

/** Pages the users in a block relation with the logged-in user. */
public class BlockedUsersRequest extends PagedRequest<User> {
    public static final String DIRECTION_BLOCKED_BY_ME = "blockedByMe";
    public static final String DIRECTION_HAS_BLOCKED_ME = "hasBlockedMe";
    public static final String DIRECTION_BOTH = "both";

    private final BlockedUsersRequestBuilder b;

    private BlockedUsersRequest(BlockedUsersRequestBuilder b) {
        super(b.client, b.limit);
        this.b = b;
    }

    @Override
    HttpUrl.Builder url(ParleyClient c) {
        HttpUrl.Builder u = c.rest().url("blockedusers");
        if (b.direction != null) {
            u.addQueryParameter("direction", b.direction);
        }
        if (b.searchKeyword != null) {
            u.addQueryParameter("searchKey", b.searchKeyword);
        }
        return u;
    }

    @Override
    User item(JsonObject o) {
        return User.fromJson(o);
    }

    public static class BlockedUsersRequestBuilder {
        private ParleyClient client;
        private int limit = 30;
        private String direction;
        private String searchKeyword;

        public BlockedUsersRequestBuilder setClient(ParleyClient c) {
            client = c;
            return this;
        }

        public BlockedUsersRequestBuilder setLimit(int limit) {
            this.limit = limit;
            return this;
        }

        /** {@link #DIRECTION_BLOCKED_BY_ME} (default), {@link #DIRECTION_HAS_BLOCKED_ME} or {@link #DIRECTION_BOTH}. */
        public BlockedUsersRequestBuilder setDirection(String d) {
            direction = d;
            return this;
        }

        public BlockedUsersRequestBuilder setSearchKeyword(String s) {
            searchKeyword = s;
            return this;
        }

        public BlockedUsersRequest build() {
            return new BlockedUsersRequest(this);
        }
    }
}
