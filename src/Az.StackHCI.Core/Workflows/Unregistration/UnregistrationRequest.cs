using Az.StackHCI.Core.Identity;

namespace Az.StackHCI.Core.Workflows.Unregistration
{
    /// <summary>What Unregister-AzStackHCI was asked to do (parameter names as in behaviour reference §1.2).</summary>
    public sealed class UnregistrationRequest
    {
        /// <summary>Default: from the node's registration.</summary>
        public string? SubscriptionId { get; set; }

        /// <summary>Default: from the node's registration.</summary>
        public string? ResourceName { get; set; }

        /// <summary>Default: from the node's registration, else "&lt;ResourceName&gt;-rg".</summary>
        public string? ResourceGroupName { get; set; }

        public string EnvironmentName { get; set; } = "AzureCloud";

        /// <summary>Any node of the cluster, or the cluster name; with <see cref="CloudOnly"/> a node to check (or null).</summary>
        public string? ComputerName { get; set; } = "localhost";

        /// <summary>
        /// Remove the cluster's Azure side only (for a cluster whose nodes were re-imaged or are gone): the resource,
        /// its Arc machines and settings, the role assignments, the identities and the groups this module created.
        /// Refused when <see cref="ComputerName"/> answers and still holds the registration.
        /// </summary>
        public bool CloudOnly { get; set; }

        /// <summary>Remove Azure Arc integration only; the registration stays.</summary>
        public bool DisableOnlyAzureArcServer { get; set; }

        /// <summary>Go on when Arc cannot be cleaned up on a node or an extension cannot be deleted (warnings instead of errors).</summary>
        public bool Force { get; set; }

        public SignInRequest SignIn { get; set; } = new SignInRequest();

        /// <summary>Where UnregisterHCI_*.log goes, as the user asked (-LogsDirectory): refused when it cannot be written.</summary>
        public string? LogsDirectory { get; set; }

        /// <summary>Where the log goes without <see cref="LogsDirectory"/> (PowerShell's current folder); the temp folder when that cannot be written.</summary>
        public string? DefaultLogsDirectory { get; set; }

        public int ThrottleLimit { get; set; } = 16;
    }
}
