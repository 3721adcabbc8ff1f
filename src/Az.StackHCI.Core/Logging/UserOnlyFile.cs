using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Az.StackHCI.Core.Logging
{
    /// <summary>
    /// Makes a file the module writes readable and writable by this user only (mode 0600) on Linux and macOS. On
    /// Windows the folder's access control list applies.
    /// </summary>
    internal static class UserOnlyFile
    {
        private const uint OwnerReadWrite = 0x180; // 0600

        public static void Restrict(string path)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return;
            }

            if (chmod(path, OwnerReadWrite) != 0)
            {
                throw new System.IO.IOException($"Could not make {path} private to this user.", new Win32Exception(Marshal.GetLastWin32Error()));
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int chmod(string path, uint mode);
    }
}
