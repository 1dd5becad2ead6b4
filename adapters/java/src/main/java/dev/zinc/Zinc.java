package dev.zinc;

/**
 * The constants of {@code include/zinc.h}, under their C names. A test of the adapter's suite
 * ({@code ConstantsTest}) and {@code make check-bindings} compare them with the header.
 */
public final class Zinc {
    private Zinc() {}

    public static final int ZINC_OK = 0;
    public static final int ZINC_EPERM = -1;
    public static final int ZINC_ENOENT = -2;
    public static final int ZINC_EBADF = -9;
    public static final int ZINC_EAGAIN = -11;
    public static final int ZINC_EEXIST = -17;
    public static final int ZINC_EINVAL = -22;
    public static final int ZINC_EBADMSG = -74;
    public static final int ZINC_ETIMEDOUT = -110;
    /** {@code zinc_wait} timeout that never expires (UINT32_MAX). */
    public static final long ZINC_WAIT_FOREVER = 0xFFFF_FFFFL;
}
