package chat.parley.sdk;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Every listener callback of one client, recorded in order as (kind, value). */
final class Recorder {
    static final class Ev {
        final String kind;
        final Object value;
        final Object[] more;
        /** When it was recorded (System.nanoTime). */
        final long at = System.nanoTime();

        Ev(String kind, Object value, Object... more) {
            this.kind = kind;
            this.value = value;
            this.more = more;
        }

        @Override
        public String toString() {
            return kind + ":" + value;
        }
    }

    private final List<Ev> evs = new ArrayList<>();
    final List<String> threads = new ArrayList<>();

    synchronized void add(String kind, Object value, Object... more) {
        evs.add(new Ev(kind, value, more));
        threads.add(Thread.currentThread().getName());
    }

    synchronized List<Ev> of(String kind) {
        List<Ev> out = new ArrayList<>();
        for (Ev e : evs) {
            if (e.kind.equals(kind)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The event of kind whose value is v (the same object), or null. */
    synchronized Ev find(String kind, Object v) {
        for (Ev e : evs) {
            if (e.kind.equals(kind) && e.value == v) {
                return e;
            }
        }
        return null;
    }

    synchronized int count(String kind) {
        return of(kind).size();
    }

    synchronized List<Ev> all() {
        return new ArrayList<>(evs);
    }

    /** Waits for an event of kind whose value matches, and returns it. */
    @SuppressWarnings("unchecked")
    <T> T await(String kind, Predicate<T> match) throws InterruptedException {
        Object[] found = new Object[1];
        Await.until(() -> {
            for (Ev e : of(kind)) {
                if (match.test((T) e.value)) {
                    found[0] = e.value;
                    return true;
                }
            }
            return false;
        }, () -> "no " + kind + " event matched; heard " + all());
        return (T) found[0];
    }

    /** Registers a listener of every kind on c under id "rec". */
    void attach(ParleyClient c) {
        c.addMessageListener("rec", new Parley.MessageListener() {
            @Override public void onTextMessageReceived(TextMessage m) { add("text", m); }
            @Override public void onMediaMessageReceived(MediaMessage m) { add("media", m); }
            @Override public void onCustomMessageReceived(CustomMessage m) { add("custom", m); }
            @Override public void onInteractiveMessageReceived(InteractiveMessage m) { add("interactive", m); }
            @Override public void onMessageEdited(BaseMessage m) { add("edited", m); }
            @Override public void onMessageDeleted(BaseMessage m) { add("deleted", m); }
            @Override public void onTypingStarted(TypingIndicator t) { add("typingStarted", t); }
            @Override public void onTypingEnded(TypingIndicator t) { add("typingEnded", t); }
            @Override public void onMessagesDelivered(MessageReceipt r) { add("delivered", r); }
            @Override public void onMessagesRead(MessageReceipt r) { add("read", r); }
            @Override public void onTransientMessageReceived(TransientMessage t) { add("transient", t); }
            @Override public void onMessageReactionAdded(ReactionEvent r) { add("reactionAdded", r); }
            @Override public void onMessageReactionRemoved(ReactionEvent r) { add("reactionRemoved", r); }
            @Override public void onInteractionGoalCompleted(InteractionReceipt r) { add("interactionCompleted", r); }
        });
        c.addGroupListener("rec", new Parley.GroupListener() {
            @Override public void onGroupMemberJoined(Action a, User u, Group g) { add("joined", a, u, g); }
            @Override public void onGroupMemberLeft(Action a, User u, Group g) { add("left", a, u, g); }
            @Override public void onGroupMemberKicked(Action a, User u, User by, Group g) { add("kicked", a, u, by, g); }
            @Override public void onGroupMemberBanned(Action a, User u, User by, Group g) { add("banned", a, u, by, g); }
            @Override public void onGroupMemberUnbanned(Action a, User u, User by, Group g) { add("unbanned", a, u, by, g); }
            @Override public void onGroupMemberScopeChanged(Action a, User by, User u, String to, String from, Group g) {
                add("scopeChanged", a, by, u, to, from, g);
            }
            @Override public void onMemberAddedToGroup(Action a, User by, User u, Group g) { add("added", a, by, u, g); }
            @Override public void onGroupUpdated(Group g) { add("groupUpdated", g); }
            @Override public void onGroupDeleted(Group g) { add("groupDeleted", g); }
        });
        c.addUserListener("rec", new Parley.UserListener() {
            @Override public void onUserOnline(User u) { add("online", u); }
            @Override public void onUserOffline(User u) { add("offline", u); }
            @Override public void onUserUpdated(User u) { add("userUpdated", u); }
        });
        c.addConnectionListener("rec", new Parley.ConnectionListener() {
            @Override public void onConnecting() { add("connecting", null); }
            @Override public void onConnected() { add("connected", null); }
            @Override public void onDisconnected() { add("disconnected", null); }
            @Override public void onConnectionError(ParleyException e) { add("connectionError", e); }
            @Override public void onError(ParleyException e) { add("error", e); }
        });
        c.addCallListener("rec", new Parley.CallListener() {
            @Override public void onIncomingCallReceived(Call call) { add("incomingCall", call); }
            @Override public void onOutgoingCallAccepted(Call call) { add("callAccepted", call); }
            @Override public void onOutgoingCallRejected(Call call) { add("callRejected", call); }
            @Override public void onIncomingCallCancelled(Call call) { add("callCancelled", call); }
            @Override public void onCallEndedMessageReceived(Call call) { add("callEnded", call); }
        });
        c.addLoginListener("rec", new Parley.LoginListener() {
            @Override public void loginSuccess(User u) { add("loginSuccess", u); }
            @Override public void loginFailure(ParleyException e) { add("loginFailure", e); }
        });
    }
}
