using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace Az.StackHCI.Loading
{
    /// <summary>
    /// The module's own load context on PowerShell 7: the engine and its dependencies (Azure.Core, MSAL, Graph …)
    /// load here, so another module's versions of the same assemblies in the session cannot clash with ours.
    /// Only ever touched on .NET (Core); Windows PowerShell never JIT-compiles this class.
    /// </summary>
    internal sealed class EngineLoadContext : AssemblyLoadContext
    {
        private static readonly object Gate = new object();
        private static EngineLoadContext? s_instance;
        private static bool s_registered;

        private readonly string _directory;
        private readonly Dictionary<string, Version?> _platformVersions;

        private EngineLoadContext(string directory)
        {
            _directory = directory;
            _platformVersions = ReadPlatformAssemblies();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Register(string directory)
        {
            lock (Gate)
            {
                s_instance ??= new EngineLoadContext(directory);
                if (!s_registered)
                {
                    Default.Resolving += ResolveEngine;
                    s_registered = true;
                }
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Unregister()
        {
            lock (Gate)
            {
                if (s_registered)
                {
                    Default.Resolving -= ResolveEngine;
                    s_registered = false;
                }
            }
        }

        protected override Assembly? Load(AssemblyName name)
        {
            // What the runtime or PowerShell ship (System.*, netstandard …) at the version asked for or newer is shared
            // with the host: one copy keeps type identity (Span, IAsyncEnumerable) and saves loading a polyfill.
            if (name.Name is string simpleName
                && _platformVersions.TryGetValue(simpleName, out var platformVersion)
                && (name.Version is null || (platformVersion is not null && platformVersion >= name.Version)))
            {
                return null;
            }

            var path = Path.Combine(_directory, name.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }

        // The default context asks here only for what it cannot find itself; we answer only for the engine, whose
        // references then resolve through Load above.
        private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
            string.Equals(name.Name, ModuleInitializer.EngineAssemblyName, StringComparison.Ordinal) && s_instance is not null
                ? s_instance.LoadFromAssemblyName(name)
                : null;

        private static Dictionary<string, Version?> ReadPlatformAssemblies()
        {
            var versions = new Dictionary<string, Version?>(StringComparer.OrdinalIgnoreCase);
            var list = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
            foreach (var path in list.Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries))
            {
                var name = Path.GetFileNameWithoutExtension(path);
                if (!versions.ContainsKey(name))
                {
                    versions[name] = ReadVersion(path);
                }
            }

            return versions;
        }

        private static Version? ReadVersion(string path)
        {
            try
            {
                return AssemblyName.GetAssemblyName(path).Version;
            }
            catch (Exception ex) when (ex is BadImageFormatException || ex is IOException)
            {
                return null;
            }
        }
    }
}
