using System;
using System.IO;
using System.Reflection;

namespace Az.StackHCI.Loading
{
    /// <summary>
    /// Windows PowerShell 5.1 has one load context per process, so this is resolution, not isolation: what another
    /// module loaded first wins. Dependencies are taken from bin/Dependencies whatever version is asked for, which
    /// works like a binding redirect without touching powershell.exe.config.
    /// </summary>
    internal static class DesktopResolver
    {
        private static string? s_directory;
        private static bool s_registered;

        public static void Register(string directory)
        {
            s_directory = directory;
            if (!s_registered)
            {
                AppDomain.CurrentDomain.AssemblyResolve += Resolve;
                s_registered = true;
            }
        }

        public static void Unregister()
        {
            if (s_registered)
            {
                AppDomain.CurrentDomain.AssemblyResolve -= Resolve;
                s_registered = false;
            }
        }

        private static Assembly? Resolve(object? sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name).Name;
            var path = s_directory is null ? null : Path.Combine(s_directory, name + ".dll");
            return path is not null && File.Exists(path) ? Assembly.LoadFile(path) : null;
        }
    }
}
