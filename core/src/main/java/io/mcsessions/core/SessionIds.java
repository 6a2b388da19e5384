package io.mcsessions.core;

/** Session ids are credentials: log lines show a short prefix only. */
public final class SessionIds {
    private static final int SHOWN = 6;

    private SessionIds() {
    }

    /** The first characters of the id followed by an ellipsis, safe to log; control characters are replaced. */
    public static String shorten(String sessionId) {
        if (sessionId == null) {
            return "null";
        }
        String head = sessionId.length() <= SHOWN ? sessionId : sessionId.substring(0, SHOWN);
        StringBuilder shown = new StringBuilder(head.length() + 1);
        head.chars().forEach(c -> shown.append(c < 0x20 || c > 0x7e ? '?' : (char) c));
        return shown.append('…').toString();
    }
}
