package io.mcsessions.core.internal;

/** Why an operation on one node failed. Carries no stack trace: it is an expected condition, not a bug. */
public final class NodeFailure extends RuntimeException {

    /** Classes of failure; only some say anything about the node's health. */
    public enum Kind {
        /** No connection: refused, reset, closed, or the operation was cancelled for that reason. */
        UNREACHABLE(true),
        /** No answer within the operation timeout. */
        TIMEOUT(true),
        /** The node answered with an error about itself (out of memory, internal error, busy). */
        SERVER_ERROR(true),
        /** The node refused this value as too large: a property of the value, not of the node. */
        VALUE_TOO_LARGE(false),
        /** Authentication failed: the node is reachable but will not serve us. */
        AUTHENTICATION(true);

        private final boolean countsAgainstNode;

        Kind(boolean countsAgainstNode) {
            this.countsAgainstNode = countsAgainstNode;
        }

        public boolean countsAgainstNode() {
            return countsAgainstNode;
        }
    }

    private final Kind kind;

    public NodeFailure(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The failure behind a completed-exceptionally future, unwrapping the JDK's wrappers. */
    public static NodeFailure of(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof NodeFailure failure) {
            return failure;
        }
        if (cause instanceof java.util.concurrent.TimeoutException) {
            return new NodeFailure(Kind.TIMEOUT, "no answer within the operation timeout");
        }
        return new NodeFailure(Kind.UNREACHABLE, String.valueOf(cause));
    }
}
