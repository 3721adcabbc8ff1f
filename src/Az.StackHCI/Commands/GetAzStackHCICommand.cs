using System;
using System.Linq;
using System.Management.Automation;
using Az.StackHCI.Completers;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Core.Workflows.Status;
using Az.StackHCI.Models;

namespace Az.StackHCI.Commands
{
    /// <summary>Reads a cluster's registration from every node at once and, signed in, from Azure. Changes nothing.</summary>
    [Cmdlet(VerbsCommon.Get, "AzStackHCI")]
    [OutputType(typeof(AzStackHCIClusterStatus))]
    public sealed class GetAzStackHCICommand : AzStackHCISignInCmdlet
    {
        /// <summary>The type name that selects the list view.</summary>
        internal const string DetailedTypeName = "Az.StackHCI.Models.AzStackHCIClusterStatus#Detailed";

        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Cluster", "ClusterName", "Node")]
        [ValidateNotNullOrEmpty]
        public string ComputerName { get; set; } = "localhost";

        /// <summary>The cloud to read the resource from when signed in.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
        public string EnvironmentName { get; set; } = "AzureCloud";

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TenantId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [SecureStringToken]
        public string? ArmAccessToken { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? AccountId { get; set; }

        /// <summary>Credential for the PowerShell sessions to the nodes (WinRM).</summary>
        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>Shows every property as a list, the nodes included.</summary>
        [Parameter]
        public SwitchParameter Detailed { get; set; }

        protected override void ProcessRecord()
        {
            CheckSignInParameters(TenantId, ArmAccessToken);
            CheckRemotingParameters(Credential);
            var request = new ClusterStatusRequest
            {
                ComputerName = ComputerName,
                EnvironmentName = EnvironmentName,
                ThrottleLimit = ThrottleLimit,
                // Signed in (here or earlier in the session), the cloud's side is read too; otherwise only the nodes are.
                SignIn = SignInRequested(ArmAccessToken) || UseDeviceAuthentication || SignedInIdentities.List(EnvironmentName).Count > 0 ? SignIn(TenantId, ArmAccessToken, AccountId) : null,
            };

            if (!TryRunWorkflow(Credential, (connector, reporter, token) => new ClusterStatusWorkflow(connector, reporter).RunAsync(request, token), out var status))
            {
                return;
            }

            var output = PSObject.AsPSObject(new AzStackHCIClusterStatus
            {
                ComputerName = status.ComputerName,
                ClusterName = status.ClusterName,
                RegistrationStatus = status.RegistrationStatus,
                ConnectionStatus = status.ConnectionStatus,
                AzureResourceId = status.AzureResourceId,
                SubscriptionId = status.SubscriptionId,
                ResourceGroupName = status.ResourceGroupName,
                ResourceName = status.ResourceName,
                Region = status.Region,
                RegistrationDate = Utc(status.RegistrationDate),
                LastConnected = Utc(status.LastConnected),
                NextSync = Utc(status.NextSync),
                DaysUntilOutOfPolicy = status.DaysUntilOutOfPolicy,
                ArcStatus = status.ArcStatus,
                CloudStatus = status.CloudStatus,
                LastSyncTimestamp = Utc(status.LastSyncTimestamp),
                Nodes = status.Nodes.Select(n => new AzStackHCINodeStatus
                {
                    ComputerName = n.ComputerName,
                    RegistrationStatus = n.RegistrationStatus,
                    ConnectionStatus = n.ConnectionStatus,
                    LastConnected = Utc(n.LastConnected),
                    CertificateThumbprint = n.CertificateThumbprint,
                    CertificateExpiry = Utc(n.CertificateExpiry),
                    ArcStatus = n.ArcStatus,
                    ClockOffset = n.ClockOffset,
                    Error = n.Error,
                }).ToList(),
            });
            if (Detailed)
            {
                output.TypeNames.Insert(0, DetailedTypeName);
            }

            WriteObject(output);
        }

        private static DateTime? Utc(DateTimeOffset? value) => value?.UtcDateTime;
    }
}
