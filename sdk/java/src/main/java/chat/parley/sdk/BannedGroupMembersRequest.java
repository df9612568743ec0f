package chat.parley.sdk;

import com.google.gson.JsonObject;

import okhttp3.HttpUrl;

/** Pages a group's banned users (admins and moderators). */
public class BannedGroupMembersRequest extends PagedRequest<GroupMember> {
    private final BannedGroupMembersRequestBuilder b;

    private BannedGroupMembersRequest(BannedGroupMembersRequestBuilder b) {
        super(b.client, b.limit);
        this.b = b;
    }

    @Override
    HttpUrl.Builder url(ParleyClient c) {
        HttpUrl.Builder u = c.rest().url("groups", b.guid, "bannedusers");
        if (b.searchKeyword != null) {
            u.addQueryParameter("searchKey", b.searchKeyword);
        }
        return u;
    }

    @Override
    GroupMember item(JsonObject o) {
        return GroupMember.fromJson(o);
    }

    public static class BannedGroupMembersRequestBuilder {
        private final String guid;
        private ParleyClient client;
        private int limit = 30;
        private String searchKeyword;

        public BannedGroupMembersRequestBuilder(String guid) {
            this.guid = guid;
        }

        public BannedGroupMembersRequestBuilder setClient(ParleyClient c) {
            client = c;
            return this;
        }

        public BannedGroupMembersRequestBuilder setLimit(int limit) {
            this.limit = limit;
            return this;
        }

        public BannedGroupMembersRequestBuilder setSearchKeyword(String s) {
            searchKeyword = s;
            return this;
        }

        public BannedGroupMembersRequest build() {
            return new BannedGroupMembersRequest(this);
        }
    }
}
