package chat.parley.sdk;

/** What a conversation is with, or what an action is about: a {@link User} or a {@link Group}. */
public interface AppEntity {
}
