package chat.parley.sdk;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;

import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.RequestBody;
import okio.BufferedSink;
import okio.Okio;
import okio.Source;

/** The bodies of ParleyClient's message calls: send, read, edit, delete, react, interact, receipts. */
final class MessagesApi {
    private MessagesApi() {
    }

    static <T extends BaseMessage> void send(final ParleyClient c, final BaseMessage m, final Class<T> cls,
                                             Parley.CallbackListener<T> cb) {
        c.async(cb, new ParleyClient.Task<T>() {
            @Override
            public T run() throws ParleyException {
                return cast(cls, c.send("POST", c.rest().url("messages").build(), m.toSendJson()));
            }
        });
    }

    /** A media message: multipart with the message as the data part and the file, or JSON for hosted attachments. */
    static void sendMedia(final ParleyClient c, final MediaMessage m, Parley.CallbackListener<MediaMessage> cb) {
        c.async(cb, new ParleyClient.Task<MediaMessage>() {
            @Override
            public MediaMessage run() throws ParleyException {
                RequestBody part = null;
                String name = null;
                if (m.getFile() != null) {
                    File f = m.getFile();
                    name = f.getName();
                    part = RequestBody.create(null, f);
                } else if (m.getStream() != null) {
                    name = m.getStreamName() == null ? "file" : m.getStreamName();
                    part = stream(m.getStream(), m.getStreamMimeType());
                }
                if (part == null) {
                    return cast(MediaMessage.class, c.send("POST", c.rest().url("messages").build(), m.toSendJson()));
                }
                MultipartBody body = new MultipartBody.Builder().setType(MultipartBody.FORM)
                        .addFormDataPart("data", m.toSendJson().toString())
                        .addFormDataPart("file", name, part).build();
                return cast(MediaMessage.class,
                        c.rest().call("POST", c.rest().url("messages").build(), body, c.requireToken(), null));
            }
        });
    }

    /** A body that streams in once, closing it. */
    private static RequestBody stream(final InputStream in, final String mimeType) {
        return new RequestBody() {
            @Override
            public MediaType contentType() {
                return mimeType == null ? null : MediaType.parse(mimeType);
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                Source src = Okio.source(in);
                try {
                    sink.writeAll(src);
                } finally {
                    src.close();
                }
            }
        };
    }

    private static <T extends BaseMessage> T cast(Class<T> cls, Rest.Answer a) throws ParleyException {
        BaseMessage got = BaseMessage.fromJson(a.obj());
        if (!cls.isInstance(got)) {
            throw new ParleyException(ParleyException.ERR_BAD_RESPONSE, "the server answered a " + got);
        }
        return cls.cast(got);
    }

    static void details(final ParleyClient c, final long id, Parley.CallbackListener<BaseMessage> cb) {
        c.async(cb, new ParleyClient.Task<BaseMessage>() {
            @Override
            public BaseMessage run() throws ParleyException {
                return BaseMessage.fromJson(c.get(c.rest().url("messages", String.valueOf(id)).build()).obj());
            }
        });
    }

    static void edit(final ParleyClient c, final BaseMessage m, Parley.CallbackListener<BaseMessage> cb) {
        c.async(cb, new ParleyClient.Task<BaseMessage>() {
            @Override
            public BaseMessage run() throws ParleyException {
                JsonObject body = new JsonObject();
                JsonObject data = new JsonObject();
                if (m instanceof TextMessage) {
                    data.addProperty("text", ((TextMessage) m).getText());
                }
                if (m.getMetadata() != null) {
                    data.add("metadata", m.getMetadata());
                }
                body.add("data", data);
                if (m.getTags() != null && !m.getTags().isEmpty()) {
                    body.add("tags", Json.array(m.getTags()));
                }
                return actedOn(c.send("PUT", c.rest().url("messages", String.valueOf(m.getId())).build(), body));
            }
        });
    }

    static void delete(final ParleyClient c, final long id, Parley.CallbackListener<BaseMessage> cb) {
        c.async(cb, new ParleyClient.Task<BaseMessage>() {
            @Override
            public BaseMessage run() throws ParleyException {
                return actedOn(c.send("DELETE", c.rest().url("messages", String.valueOf(id)).build(), null));
            }
        });
    }

    /** An edit or delete answers the action message; callers want the message it is about. */
    private static BaseMessage actedOn(Rest.Answer a) {
        BaseMessage act = BaseMessage.fromJson(a.obj());
        if (act instanceof Action && ((Action) act).getActionOn() instanceof BaseMessage) {
            return (BaseMessage) ((Action) act).getActionOn();
        }
        return act;
    }

    static void reaction(final ParleyClient c, final String method, final long id, final String reaction,
                         Parley.CallbackListener<BaseMessage> cb) {
        c.async(cb, new ParleyClient.Task<BaseMessage>() {
            @Override
            public BaseMessage run() throws ParleyException {
                return BaseMessage.fromJson(c.send(method, c.rest().url("messages", String.valueOf(id), "reactions",
                        reaction).build(), null).obj());
            }
        });
    }

    static void interacted(final ParleyClient c, final long id, final String elementId, Parley.CallbackListener<Void> cb) {
        c.async(cb, new ParleyClient.Task<Void>() {
            @Override
            public Void run() throws ParleyException {
                JsonObject body = new JsonObject();
                JsonArray ids = new JsonArray();
                ids.add(elementId);
                body.add("interactions", ids);
                c.send("PATCH", c.rest().url("messages", String.valueOf(id), "interacted").build(), body);
                return null;
            }
        });
    }

    /** A receipt over REST: the watermark of m's conversation (what: delivered or read). */
    static void mark(final ParleyClient c, final String method, final BaseMessage m, final String what,
                     Parley.CallbackListener<Void> cb) {
        c.async(cb, new ParleyClient.Task<Void>() {
            @Override
            public Void run() throws ParleyException {
                JsonObject body = new JsonObject();
                body.addProperty("messageId", String.valueOf(m.getId()));
                c.send(method, c.conversationUrl(c.peerOf(m), m.getReceiverType()).addPathSegment(what).build(), body);
                return null;
            }
        });
    }
}
