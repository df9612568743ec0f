package chat.parley.sdk;

import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The listeners, registered by id, and the dispatch of the socket's frames to their callbacks on
 * the callback executor, in the order the server sent them.
 */
final class Events {
    private final ParleyClient c;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    /** Typists whose "started" has no "ended" yet (sender, receiver type, receiver) → their timeout. */
    private final Map<String, ScheduledFuture<?>> typing = new HashMap<String, ScheduledFuture<?>>();
    /** Typists the timeout ended: their late "ended" is not passed on a second time. */
    private final Set<String> typingExpired = new HashSet<String>();
    private final Map<String, Parley.MessageListener> messages = new LinkedHashMap<String, Parley.MessageListener>();
    private final Map<String, Parley.UserListener> users = new LinkedHashMap<String, Parley.UserListener>();
    private final Map<String, Parley.GroupListener> groups = new LinkedHashMap<String, Parley.GroupListener>();
    private final Map<String, Parley.CallListener> calls = new LinkedHashMap<String, Parley.CallListener>();
    private final Map<String, Parley.ConnectionListener> conns = new LinkedHashMap<String, Parley.ConnectionListener>();
    private final Map<String, Parley.LoginListener> logins = new LinkedHashMap<String, Parley.LoginListener>();

    Events(ParleyClient c, Executor executor, ScheduledExecutorService timer) {
        this.c = c;
        this.executor = executor;
        this.timer = timer;
    }

    /** Runs r on the callback executor; after shutdown, nothing runs. */
    void run(Runnable r) {
        try {
            executor.execute(r);
        } catch (RejectedExecutionException e) {
            // the client was shut down: no more callbacks
        }
    }

    void addMessageListener(String id, Parley.MessageListener l) {
        put(messages, id, l);
    }

    void removeMessageListener(String id) {
        remove(messages, id);
    }

    void addUserListener(String id, Parley.UserListener l) {
        put(users, id, l);
    }

    void removeUserListener(String id) {
        remove(users, id);
    }

    void addGroupListener(String id, Parley.GroupListener l) {
        put(groups, id, l);
    }

    void removeGroupListener(String id) {
        remove(groups, id);
    }

    void addCallListener(String id, Parley.CallListener l) {
        put(calls, id, l);
    }

    void removeCallListener(String id) {
        remove(calls, id);
    }

    void addConnectionListener(String id, Parley.ConnectionListener l) {
        put(conns, id, l);
    }

    void removeConnectionListener(String id) {
        remove(conns, id);
    }

    void addLoginListener(String id, Parley.LoginListener l) {
        put(logins, id, l);
    }

    void removeLoginListener(String id) {
        remove(logins, id);
    }

    private <T> void put(Map<String, T> m, String id, T l) {
        synchronized (this) {
            m.put(id, l);
        }
    }

    private <T> void remove(Map<String, T> m, String id) {
        synchronized (this) {
            m.remove(id);
        }
    }

    private <T> List<T> all(Map<String, T> m) {
        synchronized (this) {
            return new ArrayList<T>(m.values());
        }
    }

    /** Queues a connection state change for the connection listeners. */
    void state(final String state, final ParleyException err) {
        run(new Runnable() {
            @Override
            public void run() {
                for (Parley.ConnectionListener l : all(conns)) {
                    if (ParleyConstants.WS_STATE_CONNECTED.equals(state)) {
                        l.onConnected();
                    } else if (ParleyConstants.WS_STATE_CONNECTING.equals(state)) {
                        l.onConnecting();
                    } else {
                        l.onDisconnected();
                    }
                }
            }
        });
    }

    /** The connection was refused for good: the SDK stops reconnecting. */
    void connectionError(final ParleyException err) {
        run(new Runnable() {
            @Override
            public void run() {
                for (Parley.ConnectionListener l : all(conns)) {
                    l.onConnectionError(err);
                }
            }
        });
    }

    /** The server refused a client frame (typing, transient, receipt) or announced a close. */
    void frameError(final ParleyException err) {
        run(new Runnable() {
            @Override
            public void run() {
                for (Parley.ConnectionListener l : all(conns)) {
                    if ("ERR_TOO_MANY_REQUESTS".equals(err.getCode())) {
                        l.onFeatureThrottled();
                    }
                    l.onError(err);
                }
            }
        });
    }

    void login(final User u, final ParleyException err) {
        run(new Runnable() {
            @Override
            public void run() {
                for (Parley.LoginListener l : all(logins)) {
                    if (err == null) {
                        l.loginSuccess(u);
                    } else {
                        l.loginFailure(err);
                    }
                }
            }
        });
    }

    void logout(final ParleyException err) {
        run(new Runnable() {
            @Override
            public void run() {
                for (Parley.LoginListener l : all(logins)) {
                    if (err == null) {
                        l.logoutSuccess();
                    } else {
                        l.logoutFailure(err);
                    }
                }
            }
        });
    }

    /** Queues a frame; a message's id (else 0) becomes the last delivered once its listeners ran. */
    void post(final JsonObject frame, final long id) {
        run(new Runnable() {
            @Override
            public void run() {
                try {
                    dispatch(frame);
                } finally {
                    if (id > 0) {
                        c.realtime().markDelivered(id);
                    }
                }
            }
        });
    }

    private void dispatch(JsonObject f) {
        String type = Json.str(f, "type");
        JsonObject body = Json.obj(f, "body");
        if (type == null || body == null) {
            return;
        }
        String receiver = Json.str(f, "receiver");
        String receiverType = Json.str(f, "receiverType");
        User sender = new User();
        sender.setUid(Json.str(f, "sender"));
        if ("message".equals(type)) {
            message(BaseMessage.fromJson(body));
        } else if ("typing_indicator".equals(type)) {
            TypingIndicator t = TypingIndicator.received(receiver, receiverType, Json.obj(body, "metadata"), sender,
                    Json.lng(body, "timestamp"));
            boolean ended = "ended".equals(Json.str(body, "action"));
            if (!typingTimeout(sender.getUid() + "\n" + receiverType + "\n" + receiver, t, ended)) {
                return;
            }
            typing(t, ended);
        } else if ("receipts".equals(type)) {
            User reader = User.fromJson(Json.obj(body, "user"));
            if (reader == null) {
                reader = sender;
            }
            String action = Json.str(body, "action");
            MessageReceipt r = new MessageReceipt(Json.lng(body, "messageId"), reader, receiver, receiverType, action,
                    Json.lng(body, "timestamp"), Json.str(body, "conversationId"));
            for (Parley.MessageListener l : all(messages)) {
                if (MessageReceipt.RECEIPT_TYPE_READ.equals(action)) {
                    l.onMessagesRead(r);
                } else {
                    l.onMessagesDelivered(r);
                }
            }
        } else if ("reaction".equals(type)) {
            ReactionEvent r = new ReactionEvent(Reaction.fromJson(Json.obj(body, "reaction")), receiver, receiverType);
            boolean removed = "message_reaction_removed".equals(Json.str(body, "action"));
            for (Parley.MessageListener l : all(messages)) {
                if (removed) {
                    l.onMessageReactionRemoved(r);
                } else {
                    l.onMessageReactionAdded(r);
                }
            }
        } else if ("transient_message".equals(type)) {
            TransientMessage t = TransientMessage.received(receiver, receiverType, Json.obj(body, "data"), sender,
                    Json.lng(body, "timestamp"));
            for (Parley.MessageListener l : all(messages)) {
                l.onTransientMessageReceived(t);
            }
        } else if ("interaction_completed".equals(type)) {
            InteractionReceipt r = new InteractionReceipt(Json.lng(body, "messageId"), sender, receiver, receiverType,
                    Json.arr(body, "interactions"));
            for (Parley.MessageListener l : all(messages)) {
                l.onInteractionGoalCompleted(r);
            }
        } else if ("presence".equals(type)) {
            User u = User.fromJson(Json.obj(body, "user"));
            if (u == null) {
                u = sender;
            }
            boolean off = "offline".equals(Json.str(body, "status"));
            for (Parley.UserListener l : all(users)) {
                if (off) {
                    l.onUserOffline(u);
                } else {
                    l.onUserOnline(u);
                }
            }
        } else if ("user_updated".equals(type)) {
            User u = User.fromJson(body);
            for (Parley.UserListener l : all(users)) {
                l.onUserUpdated(u);
            }
        } else if ("group_updated".equals(type) || "group_deleted".equals(type)) {
            Group g = Group.fromJson(body);
            boolean deleted = "group_deleted".equals(type);
            for (Parley.GroupListener l : all(groups)) {
                if (deleted) {
                    l.onGroupDeleted(g);
                } else {
                    l.onGroupUpdated(g);
                }
            }
        }
    }

    private void typing(TypingIndicator t, boolean ended) {
        for (Parley.MessageListener l : all(messages)) {
            if (ended) {
                l.onTypingEnded(t);
            } else {
                l.onTypingStarted(t);
            }
        }
    }

    /**
     * Arms (on "started") or disarms (on "ended") the timeout that ends a typist's indicator by
     * itself after {@link ParleyConstants#TYPING_TIMEOUT_MS}; false when the frame is an "ended"
     * the timeout already passed on.
     */
    private boolean typingTimeout(final String key, final TypingIndicator t, boolean ended) {
        synchronized (typing) {
            ScheduledFuture<?> old = typing.remove(key);
            if (old != null) {
                old.cancel(false);
            }
            if (ended) {
                return !typingExpired.remove(key);
            }
            typingExpired.remove(key);
            final ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
            Runnable expire = new Runnable() {
                @Override
                public void run() {
                    synchronized (typing) {
                        if (typing.get(key) != self[0]) {
                            return;
                        }
                        typing.remove(key);
                        typingExpired.add(key);
                    }
                    Events.this.run(new Runnable() {
                        @Override
                        public void run() {
                            typing(t, true);
                        }
                    });
                }
            };
            try {
                self[0] = timer.schedule(expire, ParleyConstants.TYPING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                typing.put(key, self[0]);
            } catch (RejectedExecutionException e) {
                // the client was shut down: no more callbacks
            }
            return true;
        }
    }

    private void message(BaseMessage m) {
        if (m == null) {
            return;
        }
        if (m instanceof Action) {
            action((Action) m);
            return;
        }
        if (m instanceof Call) {
            call((Call) m);
            return;
        }
        for (Parley.MessageListener l : all(messages)) {
            if (m instanceof TextMessage) {
                l.onTextMessageReceived((TextMessage) m);
            } else if (m instanceof MediaMessage) {
                l.onMediaMessageReceived((MediaMessage) m);
            } else if (m instanceof CustomMessage) {
                l.onCustomMessageReceived((CustomMessage) m);
            } else if (m instanceof InteractiveMessage) {
                l.onInteractiveMessageReceived((InteractiveMessage) m);
            }
        }
    }

    private void action(Action a) {
        String act = a.getAction();
        if ("message".equals(a.getType())) {
            if (!(a.getActionOn() instanceof BaseMessage)) {
                return;
            }
            BaseMessage on = (BaseMessage) a.getActionOn();
            for (Parley.MessageListener l : all(messages)) {
                if (ParleyConstants.ACTION_DELETED.equals(act)) {
                    l.onMessageDeleted(on);
                } else if (ParleyConstants.ACTION_EDITED.equals(act)) {
                    l.onMessageEdited(on);
                }
            }
            return;
        }
        User by = a.getActionBy() instanceof User ? (User) a.getActionBy() : null;
        User on = a.getActionOn() instanceof User ? (User) a.getActionOn() : null;
        Group g = a.getActionFor() instanceof Group ? (Group) a.getActionFor() : null;
        for (Parley.GroupListener l : all(groups)) {
            if (ParleyConstants.ACTION_JOINED.equals(act)) {
                l.onGroupMemberJoined(a, on, g);
            } else if (ParleyConstants.ACTION_LEFT.equals(act)) {
                l.onGroupMemberLeft(a, on, g);
            } else if (ParleyConstants.ACTION_ADDED.equals(act)) {
                l.onMemberAddedToGroup(a, by, on, g);
            } else if (ParleyConstants.ACTION_KICKED.equals(act)) {
                l.onGroupMemberKicked(a, on, by, g);
            } else if (ParleyConstants.ACTION_BANNED.equals(act)) {
                l.onGroupMemberBanned(a, on, by, g);
            } else if (ParleyConstants.ACTION_UNBANNED.equals(act)) {
                l.onGroupMemberUnbanned(a, on, by, g);
            } else if (ParleyConstants.ACTION_SCOPE_CHANGED.equals(act)) {
                l.onGroupMemberScopeChanged(a, by, on, a.getNewScope(), a.getOldScope(), g);
            } else if (ParleyConstants.ACTION_OWNERSHIP_TRANSFERRED.equals(act)) {
                l.onGroupOwnershipChanged(a, g);
            }
        }
    }

    private void call(Call call) {
        User me = c.getLoggedInUser();
        boolean mine = me != null && me.getUid() != null && me.getUid().equals(call.getCallInitiator());
        String st = call.getCallStatus();
        for (Parley.CallListener l : all(calls)) {
            l.onCallMessage(call);
            if (ParleyConstants.CALL_STATUS_INITIATED.equals(st)) {
                if (!mine) {
                    l.onIncomingCallReceived(call);
                }
            } else if (ParleyConstants.CALL_STATUS_ONGOING.equals(st)) {
                if (mine) {
                    l.onOutgoingCallAccepted(call);
                }
            } else if (ParleyConstants.CALL_STATUS_REJECTED.equals(st) || ParleyConstants.CALL_STATUS_BUSY.equals(st)) {
                if (mine) {
                    l.onOutgoingCallRejected(call);
                }
            } else if (ParleyConstants.CALL_STATUS_CANCELLED.equals(st)
                    || ParleyConstants.CALL_STATUS_UNANSWERED.equals(st)) {
                if (!mine) {
                    l.onIncomingCallCancelled(call);
                }
            } else if (ParleyConstants.CALL_STATUS_ENDED.equals(st)) {
                l.onCallEndedMessageReceived(call);
            }
        }
    }
}
