package chat.parley.sdk;

import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;

import okhttp3.HttpUrl;

/** Pages a group's members, oldest first. */
public class GroupMembersRequest extends PagedRequest<GroupMember> {
    private final GroupMembersRequestBuilder b;

    private GroupMembersRequest(GroupMembersRequestBuilder b) {
        super(b.client, b.limit);
        this.b = b;
    }

    @Override
    HttpUrl.Builder url(ParleyClient c) {
        HttpUrl.Builder u = c.rest().url("groups", b.guid, "members");
        if (b.searchKeyword != null) {
            u.addQueryParameter("searchKey", b.searchKeyword);
        }
        Rest.addList(u, "scopes", b.scopes);
        return u;
    }

    @Override
    GroupMember item(JsonObject o) {
        return GroupMember.fromJson(o);
    }

    public static class GroupMembersRequestBuilder {
        private final String guid;
        private ParleyClient client;
        private int limit = 30;
        private String searchKeyword;
        private List<String> scopes = new ArrayList<String>();

        public GroupMembersRequestBuilder(String guid) {
            this.guid = guid;
        }

        public GroupMembersRequestBuilder setClient(ParleyClient c) {
            client = c;
            return this;
        }

        public GroupMembersRequestBuilder setLimit(int limit) {
            this.limit = limit;
            return this;
        }

        public GroupMembersRequestBuilder setSearchKeyword(String s) {
            searchKeyword = s;
            return this;
        }

        public GroupMembersRequestBuilder setScopes(List<String> scopes) {
            this.scopes = scopes;
            return this;
        }

        public GroupMembersRequest build() {
            return new GroupMembersRequest(this);
        }
    }
}
