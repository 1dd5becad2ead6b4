using System;

namespace Zinc
{
    /// <summary>The core's error codes (include/zinc.h); fixed on every platform.</summary>
    public static class ZincErrorCode
    {
        /// <summary>Success.</summary>
        public const int Ok = 0;
        /// <summary>PermissionDenied: the OS refused access (EACCES or EPERM).</summary>
        public const int EPERM = -1;
        /// <summary>NotFound: open of a name with no live region.</summary>
        public const int ENOENT = -2;
        /// <summary>Closed: the handle was closed (wait or a view after Dispose, or during a wait).</summary>
        public const int EBADF = -9;
        /// <summary>RingFull: reserved for the notification ring.</summary>
        public const int EAGAIN = -11;
        /// <summary>AlreadyExists: create of a name held by a live region.</summary>
        public const int EEXIST = -17;
        /// <summary>InvalidName, InvalidSize, or a NULL handle.</summary>
        public const int EINVAL = -22;
        /// <summary>CorruptedRegion: bad magic, unknown version, or inconsistent header.</summary>
        public const int EBADMSG = -74;
        /// <summary>TimedOut (Wait reports it as <c>false</c>, never as an exception).</summary>
        public const int ETIMEDOUT = -110;

        /// <summary>The symbolic name of a code ("EEXIST"), or "E&lt;errno&gt;" for other OS errors.</summary>
        public static string NameOf(int code)
        {
            switch (code)
            {
                case Ok: return "OK";
                case EPERM: return "EPERM";
                case ENOENT: return "ENOENT";
                case EBADF: return "EBADF";
                case EAGAIN: return "EAGAIN";
                case EEXIST: return "EEXIST";
                case EINVAL: return "EINVAL";
                case EBADMSG: return "EBADMSG";
                case ETIMEDOUT: return "ETIMEDOUT";
                default: return "E" + (-code);
            }
        }
    }

    /// <summary>
    /// A failure reported by the Zinc core. <see cref="Code"/> is the core's negative code
    /// (see <see cref="ZincErrorCode"/>; other negative values are <c>-errno</c>) and
    /// <see cref="Exception.Message"/> is exactly the core's <c>zinc_strerror</c> text, so every
    /// language shows the same words.
    /// </summary>
    public class ZincException : InvalidOperationException
    {
        /// <summary>The exception for the core's <paramref name="code"/>, with the core's message for it.</summary>
        public ZincException(int code) : base(Native.StrError(code))
        {
            Code = code;
            HResult = code;
        }

        /// <summary>The core's negative error code, e.g. -17 for EEXIST.</summary>
        public int Code { get; }

        /// <summary>The symbolic name of <see cref="Code"/>, e.g. "EEXIST".</summary>
        public string ErrorName { get { return ZincErrorCode.NameOf(Code); } }

        /// <summary>The core's message for any code (the same text <see cref="Exception.Message"/> carries).</summary>
        public static string Describe(int code)
        {
            return Native.StrError(code);
        }

        /// <summary>Type, symbolic name, code and the core's message, then the stack trace.</summary>
        public override string ToString()
        {
            return GetType().FullName + " (" + ErrorName + ", " + Code + "): " + Message +
                   (StackTrace != null ? Environment.NewLine + StackTrace : "");
        }
    }
}
