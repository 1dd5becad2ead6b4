package dev.zinc;

/**
 * The kinds of failure the Zinc core reports, with their fixed negative codes (SPEC §3,
 * {@link Zinc}). Any other code is {@link #PLATFORM}: another {@code -errno} of an OS failure,
 * e.g. {@code -28} ENOSPC when {@code /dev/shm} is full.
 */
public enum ZincError {
    /** -1: the OS refused access, or the region belongs to another user. */
    PERMISSION_DENIED(Zinc.ZINC_EPERM),
    /** -2: {@code open} of a name with no live region. */
    NOT_FOUND(Zinc.ZINC_ENOENT),
    /** -9: the handle was closed (also what a wait gets when another thread closes it). */
    CLOSED(Zinc.ZINC_EBADF),
    /** -11: try again (another process holds a lease on the object). */
    TRY_AGAIN(Zinc.ZINC_EAGAIN),
    /** -17: {@code create} of a name held by a live region. */
    ALREADY_EXISTS(Zinc.ZINC_EEXIST),
    /** -22: invalid name, capacity, or argument. */
    INVALID(Zinc.ZINC_EINVAL),
    /** -74: not a valid Zinc region. */
    CORRUPTED(Zinc.ZINC_EBADMSG),
    /** -110: a wait expired. */
    TIMED_OUT(Zinc.ZINC_ETIMEDOUT),
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
        for (ZincError e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return PLATFORM;
    }
}
