using System;
using System.Collections.Generic;
using Az.StackHCI.Core.Identity;

namespace Az.StackHCI.Core.Workflows.Registration
{
    /// <summary>What Register-AzStackHCI was asked to do (parameter names as in behaviour reference §1.1).</summary>
    public sealed class RegistrationRequest
    {
        public string SubscriptionId { get; set; } = "";

        public string? Region { get; set; }

        public string? ResourceName { get; set; }

        public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>();

        public string? ResourceGroupName { get; set; }

        public string EnvironmentName { get; set; } = "AzureCloud";

        /// <summary>Any node of the cluster, or the cluster name; the entry point for node work.</summary>
        public string ComputerName { get; set; } = "localhost";

        public bool RepairRegistration { get; set; }

        /// <summary>A certificate already on every node (LocalMachine store) instead of a new one per node.</summary>
        public string? CertificateThumbprint { get; set; }

        /// <summary>
        /// The seed's flow: the user's own cluster and Arc applications through Graph (admin consent needed), instead
        /// of the resource provider's (the default wherever the provider offers it).
        /// </summary>
        public bool UseOwnApplication { get; set; }

        public bool EnableAzureArcServer { get; set; } = true;

        /// <summary>Where the nodes' Arc machines go (default: the arcSettings' group, else the cluster's).</summary>
        public string? ArcServerResourceGroupName { get; set; }

        /// <summary>A pre-created Arc onboarding service principal (application id and secret) instead of a new one.</summary>
        public string? ArcSpnAppId { get; set; }

        public string? ArcSpnSecret { get; set; }

        /// <summary>
        /// How long registration waits for Arc on the nodes: Enable retried while the agent fails, then Azure showing
        /// every node Connected, syncing between checks (Microsoft's module: up to 70 × 10 s of retries, about 11
        /// minutes of checks).
        /// </summary>
        public TimeSpan ArcTimeout { get; set; } = TimeSpan.FromMinutes(11);

        public SignInRequest SignIn { get; set; } = new SignInRequest();

        /// <summary>Where RegisterHCI_*.log goes, as the user asked (-LogsDirectory): refused when it cannot be written.</summary>
        public string? LogsDirectory { get; set; }

        /// <summary>Where the log goes without <see cref="LogsDirectory"/> (PowerShell's current folder); the temp folder when that cannot be written.</summary>
        public string? DefaultLogsDirectory { get; set; }

        /// <summary>How many nodes are worked on at once.</summary>
        public int ThrottleLimit { get; set; } = 16;
    }
}
