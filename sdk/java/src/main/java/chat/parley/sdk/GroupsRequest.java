package chat.parley.sdk;

import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;

import okhttp3.HttpUrl;

/** Pages the groups the logged-in user may see. */
public class GroupsRequest extends PagedRequest<Group> {
    private final GroupsRequestBuilder b;

    private GroupsRequest(GroupsRequestBuilder b) {
        super(b.client, b.limit);
        this.b = b;
    }

    @Override
    HttpUrl.Builder url(ParleyClient c) {
        HttpUrl.Builder u = c.rest().url("groups");
        if (b.searchKeyword != null) {
            u.addQueryParameter("searchKey", b.searchKeyword);
        }
        if (b.joinedOnly) {
            u.addQueryParameter("hasJoined", "true");
        }
        if (b.withTags) {
            u.addQueryParameter("withTags", "true");
        }
        Rest.addList(u, "tags", b.tags);
        return u;
    }

    @Override
    Group item(JsonObject o) {
        return Group.fromJson(o);
    }

    public static class GroupsRequestBuilder {
        private ParleyClient client;
        private int limit = 30;
        private String searchKeyword;
        private boolean joinedOnly;
        private boolean withTags;
        private List<String> tags = new ArrayList<String>();

        public GroupsRequestBuilder setClient(ParleyClient c) {
            client = c;
            return this;
        }

        public GroupsRequestBuilder setLimit(int limit) {
            this.limit = limit;
            return this;
        }

        public GroupsRequestBuilder setSearchKeyWord(String s) {
            searchKeyword = s;
            return this;
        }

        public GroupsRequestBuilder joinedOnly(boolean b) {
            joinedOnly = b;
            return this;
        }

        public GroupsRequestBuilder withTags(boolean b) {
            withTags = b;
            return this;
        }

        public GroupsRequestBuilder setTags(List<String> tags) {
            this.tags = tags;
            return this;
        }

        public GroupsRequest build() {
            return new GroupsRequest(this);
        }
    }
}
