package dev.zinc;

/**
 * A failure reported by the Zinc core: {@link #code()} is the core's negative code and
 * {@link #getMessage()} exactly the core's {@code zinc_strerror} text for it.
 *
 * <p>Unchecked (like {@link java.io.UncheckedIOException} and the FFM API's own exceptions):
 * most Zinc failures are programming errors or conditions handled in one place, and an unchecked
 * exception keeps {@code SharedRegion} usable in lambdas. Catch a subclass to handle one kind,
 * or switch on {@link #error()}; codes without a subclass are a plain {@code ZincException}.
 */
public class ZincException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;

    ZincException(int code, String message) {
        super(message);
        this.code = code;
    }

    /** The core's negative code, e.g. {@code -22}. */
    public int code() {
        return code;
    }

    /** The kind of failure. */
    public ZincError error() {
        return ZincError.of(code);
    }

    /** The exception for a core return code {@code code < 0}, with the core's message. */
    public static ZincException of(int code) {
        if (code >= 0) {
            throw new IllegalArgumentException("not a Zinc error code: " + code);
        }
        String msg = Native.strerror(code);
        return switch (ZincError.of(code)) {
            case NOT_FOUND -> new NotFound(code, msg);
            case ALREADY_EXISTS -> new AlreadyExists(code, msg);
            case INVALID -> new Invalid(code, msg);
            case CORRUPTED -> new Corrupted(code, msg);
            case PERMISSION_DENIED -> new PermissionDenied(code, msg);
            case TIMED_OUT -> new TimedOut(code, msg);
            case CLOSED -> new Closed(code, msg);
            default -> new ZincException(code, msg);
        };
    }

    /** -2: no live region has that name. */
    public static final class NotFound extends ZincException {
        private static final long serialVersionUID = 1L;
        NotFound(int code, String msg) { super(code, msg); }
    }

    /** -17: a live region already has that name. */
    public static final class AlreadyExists extends ZincException {
        private static final long serialVersionUID = 1L;
        AlreadyExists(int code, String msg) { super(code, msg); }
    }

    /** -22: invalid name, capacity, or argument. */
    public static final class Invalid extends ZincException {
        private static final long serialVersionUID = 1L;
        Invalid(int code, String msg) { super(code, msg); }
    }

    /** -74: the object is not a valid Zinc region. */
    public static final class Corrupted extends ZincException {
        private static final long serialVersionUID = 1L;
        Corrupted(int code, String msg) { super(code, msg); }
    }

    /** -1: the OS refused access. */
    public static final class PermissionDenied extends ZincException {
        private static final long serialVersionUID = 1L;
        PermissionDenied(int code, String msg) { super(code, msg); }
    }

    /** -110: a wait expired ({@link SharedRegion#awaitOrThrow}; {@link SharedRegion#await} returns false). */
    public static final class TimedOut extends ZincException {
        private static final long serialVersionUID = 1L;
        TimedOut(int code, String msg) { super(code, msg); }
    }

    /** -9: the region was closed (before the call, or by another thread during a wait). */
    public static final class Closed extends ZincException {
        private static final long serialVersionUID = 1L;
        Closed(int code, String msg) { super(code, msg); }
    }
}
