package dev.zinc;

/**
 * A failure reported by the Zinc core: {@link #code()} is the core's negative code and
 * {@link #coreMessage()} its {@code zinc_strerror} text, exactly as the core wrote it.
 *
 * <p>Unchecked (like {@link java.io.UncheckedIOException} and the FFM API's own exceptions):
 * most Zinc failures are programming errors (an invalid name or capacity) or conditions the
 * caller handles at one place, and an unchecked exception keeps {@code SharedRegion} usable in
 * lambdas and streams. Catch a subclass to handle one kind, or switch on {@link #error()}.
 *
 * <p>Subclasses: {@link NotFound}, {@link AlreadyExists}, {@link Invalid}, {@link Corrupted},
 * {@link PermissionDenied}, {@link TimedOut}; every other code is a plain {@code ZincException}
 * with {@link ZincError#PLATFORM} or {@link ZincError#RING_FULL}.
 */
public class ZincException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String coreMessage;

    protected ZincException(int code, String coreMessage, String context) {
        super(context == null || context.isEmpty() ? coreMessage + " (zinc code " + code + ")"
                : context + ": " + coreMessage + " (zinc code " + code + ")");
        this.code = code;
        this.coreMessage = coreMessage;
    }

    /** The core's negative code, e.g. {@code -22}. */
    public int code() {
        return code;
    }

    /** The kind of failure. */
    public ZincError error() {
        return ZincError.of(code);
    }

    /** The core's own message for {@link #code()}, as {@code zinc_strerror} returns it. */
    public String coreMessage() {
        return coreMessage;
    }

    /** The exception for a core return code {@code code < 0}, with the core's message. */
    public static ZincException of(int code) {
        return of(code, null);
    }

    /** Same, with a context prefix for {@link #getMessage()} (e.g. {@code "create 'x'"}). */
    public static ZincException of(int code, String context) {
        if (code >= 0) {
            throw new IllegalArgumentException("not a Zinc error code: " + code);
        }
        String msg = Native.strerror(code);
        return switch (ZincError.of(code)) {
            case NOT_FOUND -> new NotFound(code, msg, context);
            case ALREADY_EXISTS -> new AlreadyExists(code, msg, context);
            case INVALID -> new Invalid(code, msg, context);
            case CORRUPTED -> new Corrupted(code, msg, context);
            case PERMISSION_DENIED -> new PermissionDenied(code, msg, context);
            case TIMED_OUT -> new TimedOut(code, msg, context);
            default -> new ZincException(code, msg, context);
        };
    }

    /** -2: no live region has that name. */
    public static final class NotFound extends ZincException {
        private static final long serialVersionUID = 1L;
        NotFound(int code, String msg, String ctx) { super(code, msg, ctx); }
    }

    /** -17: a live region already has that name. */
    public static final class AlreadyExists extends ZincException {
        private static final long serialVersionUID = 1L;
        AlreadyExists(int code, String msg, String ctx) { super(code, msg, ctx); }
    }

    /** -22: invalid name, capacity, or argument. */
    public static final class Invalid extends ZincException {
        private static final long serialVersionUID = 1L;
        Invalid(int code, String msg, String ctx) { super(code, msg, ctx); }
    }

    /** -74: the object is not a valid Zinc region. */
    public static final class Corrupted extends ZincException {
        private static final long serialVersionUID = 1L;
        Corrupted(int code, String msg, String ctx) { super(code, msg, ctx); }
    }

    /** -1: the OS refused access. */
    public static final class PermissionDenied extends ZincException {
        private static final long serialVersionUID = 1L;
        PermissionDenied(int code, String msg, String ctx) { super(code, msg, ctx); }
    }

    /** -110: a wait expired ({@link SharedRegion#awaitOrThrow}; {@link SharedRegion#await} returns false). */
    public static final class TimedOut extends ZincException {
        private static final long serialVersionUID = 1L;
        TimedOut(int code, String msg, String ctx) { super(code, msg, ctx); }
    }
}
