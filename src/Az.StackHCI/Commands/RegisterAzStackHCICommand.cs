using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using Az.StackHCI.Completers;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Workflows.Registration;
using Az.StackHCI.Models;
using Az.StackHCI.Remoting;

namespace Az.StackHCI.Commands
{
    /// <summary>Registers an Azure Stack HCI cluster with Azure: the whole procedure, every node at once.</summary>
    [Cmdlet(VerbsLifecycle.Register, "AzStackHCI", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(AzStackHCIRegistrationResult))]
    public sealed class RegisterAzStackHCICommand : AzStackHCISignInCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string SubscriptionId { get; set; } = "";

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Region { get; set; }

        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? ResourceName { get; set; }

        [Parameter(Position = 3)]
        public Hashtable? Tag { get; set; }

        [Parameter(Position = 4)]
        [ValidateNotNullOrEmpty]
        public string? TenantId { get; set; }

        [Parameter(Position = 5, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? ResourceGroupName { get; set; }

        [Parameter(Position = 6)]
        [ValidateNotNullOrEmpty]
        [SecureStringToken]
        public string? ArmAccessToken { get; set; }

        [Parameter(Position = 7)]
        [ValidateNotNullOrEmpty]
        public string? AccountId { get; set; }

        [Parameter(Position = 8)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
        public string EnvironmentName { get; set; } = "AzureCloud";

        [Parameter(Position = 9, ValueFromPipelineByPropertyName = true)]
        [Alias("Cluster", "ClusterName", "Node")]
        [ValidateNotNullOrEmpty]
        public string ComputerName { get; set; } = "localhost";

        /// <summary>A certificate (with private key) already in every node's LocalMachine store, used instead of a new one per node.</summary>
        [Parameter(Position = 10)]
        [ValidatePattern("^[0-9A-Fa-f]{40}$")]
        public string? CertificateThumbprint { get; set; }

        /// <summary>Credential for the PowerShell sessions to the nodes (WinRM).</summary>
        [Parameter(Position = 11)]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>Resource group for the nodes' Arc machines (default: the existing arcSettings' group, else the cluster's).</summary>
        [Parameter(Position = 12)]
        [ValidateNotNullOrEmpty]
        public string? ArcServerResourceGroupName { get; set; }

        /// <summary>A pre-created Arc onboarding service principal: UserName = application id, Password = secret.</summary>
        [Parameter(Position = 13)]
        [Credential]
        public PSCredential? ArcSpnCredential { get; set; }

        /// <summary>Folder for RegisterHCI_yyyyMMdd-HHmmss.log (default: the current directory).</summary>
        [Parameter(Position = 14)]
        [ValidateNotNullOrEmpty]
        public string? LogsDirectory { get; set; }

        [Parameter]
        public SwitchParameter RepairRegistration { get; set; }

        [Parameter]
        public SwitchParameter EnableAzureArcServer { get; set; } = true;

        /// <summary>
        /// Create the cluster's and Arc's Entra applications yourself through Microsoft Graph (the seed's flow: needs
        /// the right to register applications and an administrator's consent), instead of letting the resource
        /// provider create and own them. Applies to new registrations; a registered cluster keeps its flow.
        /// </summary>
        [Parameter]
        public SwitchParameter UseOwnApplication { get; set; }

        /// <summary>How long to wait for Arc on the nodes: the agent retried while it fails, then Azure showing every node Connected (default 11 minutes, as Microsoft's module).</summary>
        [Parameter]
        public TimeSpan ArcTimeout { get; set; } = TimeSpan.FromMinutes(11);

        /// <summary>Windows Admin Center's mode: the result carries WacResult, WacErrorCode, WacErrorDetail and WacExceptionMessage, also on failure.</summary>
        [Parameter]
        public SwitchParameter IsWAC { get; set; }

        protected override void ProcessRecord()
        {
            CheckSignInParameters(TenantId, ArmAccessToken);
            CheckRemotingParameters(Credential);
            var request = new RegistrationRequest
            {
                SubscriptionId = SubscriptionId,
                Region = Region,
                ResourceName = ResourceName,
                ResourceGroupName = ResourceGroupName,
                EnvironmentName = EnvironmentName,
                ComputerName = ComputerName,
                RepairRegistration = RepairRegistration,
                CertificateThumbprint = CertificateThumbprint?.ToUpperInvariant(),
                EnableAzureArcServer = EnableAzureArcServer,
                UseOwnApplication = UseOwnApplication,
                ArcServerResourceGroupName = ArcServerResourceGroupName,
                ArcSpnAppId = ArcSpnCredential?.UserName,
                ArcSpnSecret = ArcSpnCredential?.GetNetworkCredential().Password,
                ArcTimeout = ArcTimeout,
                ThrottleLimit = ThrottleLimit,
                LogsDirectory = LogsDirectory is null ? null : LogsPath(LogsDirectory),
                DefaultLogsDirectory = LogsPath(null),
                SignIn = SignIn(TenantId, ArmAccessToken, AccountId),
            };
            foreach (DictionaryEntry tag in Tag ?? new Hashtable())
            {
                request.Tags[tag.Key.ToString()!] = tag.Value?.ToString() ?? "";
            }

            if (!TryRunWorkflow(Credential, (connector, reporter, token) => new RegisterWorkflow(connector, reporter).RunAsync(request, token), out var result, WriteWacFailure))
            {
                return;
            }

            var output = new AzStackHCIRegistrationResult
            {
                Result = (OperationStatus)Enum.Parse(typeof(OperationStatus), result.Result.ToString()),
                AzureResourceId = result.AzureResourceId,
                AzurePortalResourceURL = result.AzurePortalResourceURL,
                AzurePortalAADAppPermissionsURL = result.AzurePortalAADAppPermissionsURL,
                AdminConsentURL = result.AdminConsentURL,
                IdentityFlow = result.IdentityFlow is { } flow ? (ClusterIdentityFlow)Enum.Parse(typeof(ClusterIdentityFlow), flow.ToString()) : (ClusterIdentityFlow?)null,
                Details = result.Details,
                ErrorDetail = result.ErrorDetail,
                Nodes = result.Nodes.Select(n => new AzStackHCINodeResult { ComputerName = n.ComputerName, Status = n.Status, Detail = n.Detail, CertificateThumbprint = n.CertificateThumbprint }).ToList(),
            };
            WriteObject(IsWAC ? WacOutput.Describe(output, output.Result, output.ErrorDetail, null) : output);
        }

        /// <summary>With -IsWAC a failure is also a result (Result Failed), as Windows Admin Center reads it.</summary>
        private void WriteWacFailure(HciException error)
        {
            if (IsWAC)
            {
                var failed = new AzStackHCIRegistrationResult { Result = OperationStatus.Failed, Details = error.Message, ErrorDetail = error.ErrorId };
                WriteObject(WacOutput.Describe(failed, failed.Result, failed.ErrorDetail, error));
            }
        }
    }
}
