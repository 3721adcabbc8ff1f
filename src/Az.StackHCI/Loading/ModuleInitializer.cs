using System;
using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;

namespace Az.StackHCI.Loading
{
    /// <summary>
    /// Makes the engine (bin/Dependencies) loadable when the module is imported: in its own AssemblyLoadContext on
    /// PowerShell 7, through an AssemblyResolve handler on Windows PowerShell 5.1, which has no load contexts.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        internal const string EngineAssemblyName = "Az.StackHCI.Core";

        internal static string DependencyDirectory { get; } =
            Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "Dependencies");

        private static bool IsDesktop => RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        public void OnImport()
        {
            if (IsDesktop)
            {
                DesktopResolver.Register(DependencyDirectory);
            }
            else
            {
                EngineLoadContext.Register(DependencyDirectory);
            }
        }

        public void OnRemove(PSModuleInfo module)
        {
            if (IsDesktop)
            {
                DesktopResolver.Unregister();
            }
            else
            {
                EngineLoadContext.Unregister();
            }
        }
    }
}
