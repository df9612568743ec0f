package chat.parley.sdk;

import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;

import okhttp3.HttpUrl;

/** Pages the logged-in user's conversations, newest activity first. */
public class ConversationsRequest extends PagedRequest<Conversation> {
    private final ConversationsRequestBuilder b;

    private ConversationsRequest(ConversationsRequestBuilder b) {
        super(b.client, b.limit);
        this.b = b;
    }

    @Override
    HttpUrl.Builder url(ParleyClient c) {
        HttpUrl.Builder u = c.rest().url("conversations");
        if (b.type != null) {
            u.addQueryParameter("conversationType", b.type);
        }
        if (b.withTags) {
            u.addQueryParameter("withTags", "true");
        }
        if (b.unread) {
            u.addQueryParameter("unread", "true");
        }
        if (b.searchKeyword != null) {
            u.addQueryParameter("searchKey", b.searchKeyword);
        }
        Rest.addList(u, "tags", b.tags);
        return u;
    }

    @Override
    Conversation item(JsonObject o) {
        return Conversation.fromJson(o);
    }

    public static class ConversationsRequestBuilder {
        private ParleyClient client;
        private int limit = 30;
        private String type;
        private boolean withTags;
        private boolean unread;
        private String searchKeyword;
        private List<String> tags = new ArrayList<String>();

        public ConversationsRequestBuilder setClient(ParleyClient c) {
            client = c;
            return this;
        }

        public ConversationsRequestBuilder setLimit(int limit) {
            this.limit = limit;
            return this;
        }

        /** {@link ParleyConstants#CONVERSATION_TYPE_USER} or GROUP. */
        public ConversationsRequestBuilder setConversationType(String t) {
            type = t;
            return this;
        }

        public ConversationsRequestBuilder withTags(boolean b) {
            withTags = b;
            return this;
        }

        public ConversationsRequestBuilder setTags(List<String> tags) {
            this.tags = tags;
            return this;
        }

        public ConversationsRequestBuilder setUnread(boolean b) {
            unread = b;
            return this;
        }

        public ConversationsRequestBuilder setSearchKeyword(String s) {
            searchKeyword = s;
            return this;
        }

        public ConversationsRequest build() {
            return new ConversationsRequest(this);
        }
    }
}
