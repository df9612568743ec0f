package chat.parley.sdk;

import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;

import okhttp3.HttpUrl;

/** Pages the app's users: {@code new UsersRequest.UsersRequestBuilder().setLimit(30).build().fetchNext(cb)}. */
public class UsersRequest extends PagedRequest<User> {
    private final UsersRequestBuilder b;

    private UsersRequest(UsersRequestBuilder b) {
        super(b.client, b.limit);
        this.b = b;
    }

    @Override
    HttpUrl.Builder url(ParleyClient c) {
        HttpUrl.Builder u = c.rest().url("users");
        if (b.searchKeyword != null) {
            u.addQueryParameter("searchKey", b.searchKeyword);
        }
        if (b.status != null) {
            u.addQueryParameter("status", b.status);
        }
        if (b.friendsOnly) {
            u.addQueryParameter("friendsOnly", "true");
        }
        if (b.hideBlockedUsers) {
            u.addQueryParameter("hideBlockedUsers", "true");
        }
        if (b.withTags) {
            u.addQueryParameter("withTags", "true");
        }
        Rest.addList(u, "roles", b.roles);
        Rest.addList(u, "tags", b.tags);
        Rest.addList(u, "uids", b.uids);
        if (b.sortBy != null) {
            u.addQueryParameter("sortBy", b.sortBy);
        }
        if (b.sortOrder != null) {
            u.addQueryParameter("sortOrder", b.sortOrder);
        }
        return u;
    }

    @Override
    User item(JsonObject o) {
        return User.fromJson(o);
    }

    public static class UsersRequestBuilder {
        private ParleyClient client;
        private int limit = 30;
        private String searchKeyword;
        private String status;
        private boolean friendsOnly;
        private boolean hideBlockedUsers;
        private boolean withTags;
        private List<String> roles = new ArrayList<String>();
        private List<String> tags = new ArrayList<String>();
        private List<String> uids = new ArrayList<String>();
        private String sortBy;
        private String sortOrder;

        /** The client to use (Parley's addition, for programs holding several); default: {@link Parley}'s. */
        public UsersRequestBuilder setClient(ParleyClient c) {
            client = c;
            return this;
        }

        public UsersRequestBuilder setLimit(int limit) {
            this.limit = limit;
            return this;
        }

        public UsersRequestBuilder setSearchKeyword(String s) {
            searchKeyword = s;
            return this;
        }

        /** {@link ParleyConstants#USER_STATUS_ONLINE} or OFFLINE. */
        public UsersRequestBuilder setUserStatus(String s) {
            status = s;
            return this;
        }

        public UsersRequestBuilder friendsOnly(boolean b) {
            friendsOnly = b;
            return this;
        }

        public UsersRequestBuilder hideBlockedUsers(boolean b) {
            hideBlockedUsers = b;
            return this;
        }

        public UsersRequestBuilder withTags(boolean b) {
            withTags = b;
            return this;
        }

        public UsersRequestBuilder setRoles(List<String> roles) {
            this.roles = roles;
            return this;
        }

        public UsersRequestBuilder setTags(List<String> tags) {
            this.tags = tags;
            return this;
        }

        public UsersRequestBuilder setUIDs(List<String> uids) {
            this.uids = uids;
            return this;
        }

        /** name (default), uid, status or createdAt. */
        public UsersRequestBuilder sortBy(String s) {
            sortBy = s;
            return this;
        }

        /** asc or desc. */
        public UsersRequestBuilder sortByOrder(String s) {
            sortOrder = s;
            return this;
        }

        public UsersRequest build() {
            return new UsersRequest(this);
        }
    }
}
