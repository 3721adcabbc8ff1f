namespace Az.StackHCI.Models
{
    /// <summary>Where Add-AzStackHCIEnvironment keeps a custom environment.</summary>
    public enum EnvironmentSaveScope
    {
        /// <summary>Only this PowerShell process.</summary>
        Process,

        /// <summary>The user's profile, for every later session too.</summary>
        CurrentUser,
    }
}
