package chat.parley.sdk;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** When an interactive message's goal is reached for a user: any action, any of, all of, or none. */
public class InteractionGoal {
    public static final String ANY_ACTION = "anyAction";
    public static final String ANY_OF = "anyOf";
    public static final String ALL_OF = "allOf";
    public static final String NONE = "none";

    private final String type;
    private final List<String> elementIds;

    /** A goal of {@code type}; {@code elementIds} for {@link #ANY_OF} and {@link #ALL_OF}. */
    public InteractionGoal(String type, List<String> elementIds) {
        this.type = type;
        this.elementIds = elementIds == null ? Collections.<String>emptyList() : new ArrayList<String>(elementIds);
    }

    public String getType() {
        return type;
    }

    public List<String> getElementIds() {
        return Collections.unmodifiableList(elementIds);
    }
}
