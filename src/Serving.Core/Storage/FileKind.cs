using System.Runtime.InteropServices;

namespace Serving.Core.Storage;

/// <summary>
/// What kind of file system entry a path is, as far as a reader or writer of files cares: <c>serving score</c> writes
/// straight to an output that is a device or a pipe instead of renaming over it, and the registry refuses a manifest
/// or artifact that is one (reading a FIFO blocks until something writes to it, and <c>/dev/zero</c> never ends).
/// .NET reports a device, a FIFO and a regular file all alike (<see cref="FileAttributes.Normal"/>), so the type comes
/// from <c>statx</c> (Linux; its buffer has one layout on every architecture, unlike <c>stat</c>'s).
/// </summary>
public static class FileKind
{
    private const int AtCurrentFolder = -100;
    private const uint StatxType = 0x1;
    private const int TypeMask = 0xF000;
    private const int RegularFile = 0x8000;
    private const int Directory = 0x4000;

    /// <summary>
    /// Whether the path (links followed) exists and is neither a regular file nor a folder: a character device such as
    /// <c>/dev/null</c>, a FIFO, a socket, or <c>/dev/stdout</c> when standard output is a pipe or a terminal.
    /// False where this cannot be told (not Linux).
    /// </summary>
    public static bool IsStream(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            if (statx(AtCurrentFolder, path, 0, StatxType, out var status) != 0)
            {
                return false;
            }

            var type = status.Mode & TypeMask;
            return type is not (RegularFile or Directory);
        }
        catch (EntryPointNotFoundException)
        {
            // A C library older than statx (glibc 2.28): treated as a file, as before.
            return false;
        }
    }

    // A plain DllImport: LibraryImport would need the project compiled with unsafe code.
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int statx(int folder, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, out Statx status);

    // struct statx up to stx_mode; the kernel writes 256 bytes.
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct Statx
    {
        public uint Mask;
        public uint BlockSize;
        public ulong Attributes;
        public uint Links;
        public uint User;
        public uint Group;
        public ushort Mode;
    }
}
