package dev.zinc;

/**
 * The kinds of failure the Zinc core reports, with their fixed negative codes (SPEC §3).
 * Any code the core returns that is not listed here is {@link #PLATFORM} (another {@code -errno},
 * e.g. {@code -28} ENOSPC when {@code /dev/shm} is full).
 */
public enum ZincError {
    /** -1: the OS refused access (EACCES or EPERM). */
    PERMISSION_DENIED(-1),
    /** -2: {@code open} of a name with no live region. */
    NOT_FOUND(-2),
    /** -11: reserved for the notification ring. */
    RING_FULL(-11),
    /** -17: {@code create} of a name held by a live region. */
    ALREADY_EXISTS(-17),
    /** -22: invalid name, invalid capacity, or another invalid argument. */
    INVALID(-22),
    /** -74: bad magic, unknown version, or a header inconsistent with the object. */
    CORRUPTED(-74),
    /** -110: a wait expired. */
    TIMED_OUT(-110),
    /** Any other negative code: {@code -errno} of an OS failure. */
    PLATFORM(Integer.MIN_VALUE);

    private final int code;

    ZincError(int code) {
        this.code = code;
    }

    /** The fixed code, or {@link Integer#MIN_VALUE} for {@link #PLATFORM} (which has many). */
    public int code() {
        return code;
    }

    /** The kind of a core return code ({@code code < 0}). */
    public static ZincError of(int code) {
        return switch (code) {
            case -1 -> PERMISSION_DENIED;
            case -2 -> NOT_FOUND;
            case -11 -> RING_FULL;
            case -17 -> ALREADY_EXISTS;
            case -22 -> INVALID;
            case -74 -> CORRUPTED;
            case -110 -> TIMED_OUT;
            default -> PLATFORM;
        };
    }
}
