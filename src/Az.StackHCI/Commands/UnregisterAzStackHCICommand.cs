using System.Linq;
using System.Management.Automation;
using Az.StackHCI.Completers;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Workflows.Unregistration;
using Az.StackHCI.Models;

namespace Az.StackHCI.Commands
{
    /// <summary>Unregisters an Azure Stack HCI cluster: Arc, the Azure resource, every node, the apps and groups this module made.</summary>
    [Cmdlet(VerbsLifecycle.Unregister, "AzStackHCI", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(AzStackHCIUnregistrationResult))]
    public sealed class UnregisterAzStackHCICommand : AzStackHCISignInCmdlet
    {
        /// <summary>Default: from the node's registration.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string? SubscriptionId { get; set; }

        /// <summary>Default: from the node's registration.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string? ResourceName { get; set; }

        [Parameter(Position = 2)]
        [ValidateNotNullOrEmpty]
        public string? TenantId { get; set; }

        /// <summary>Default: from the node's registration, else "&lt;ResourceName&gt;-rg".</summary>
        [Parameter(Position = 3, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string? ResourceGroupName { get; set; }

        [Parameter(Position = 4)]
        [ValidateNotNullOrEmpty]
        [SecureStringToken]
        public string? ArmAccessToken { get; set; }

        [Parameter(Position = 5)]
        [ValidateNotNullOrEmpty]
        public string? AccountId { get; set; }

        [Parameter(Position = 6)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
        public string EnvironmentName { get; set; } = "AzureCloud";

        /// <summary>Accepted for compatibility with Microsoft's module; the region is the resource's own.</summary>
        [Parameter(Position = 7)]
        [ValidateNotNullOrEmpty]
        public string? Region { get; set; }

        [Parameter(Position = 8, ValueFromPipelineByPropertyName = true)]
        [Alias("Cluster", "ClusterName", "Node")]
        [ValidateNotNullOrEmpty]
        public string ComputerName { get; set; } = "localhost";

        /// <summary>Credential for the PowerShell sessions to the nodes (WinRM).</summary>
        [Parameter(Position = 9)]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>Remove Azure Arc integration only; the cluster stays registered.</summary>
        [Parameter]
        public SwitchParameter DisableOnlyAzureArcServer { get; set; }

        /// <summary>Go on when Arc cannot be disabled on a node or an extension cannot be deleted (warnings instead of errors).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>
        /// Remove only the cluster's Azure side (resource, Arc machines and settings, role assignments, identities, the
        /// groups this module created), for a cluster whose nodes were re-imaged or are gone. Needs -SubscriptionId and
        /// -ResourceName; with -ComputerName, refused while that node answers and still holds the registration.
        /// </summary>
        [Parameter]
        public SwitchParameter CloudOnly { get; set; }

        /// <summary>Windows Admin Center's mode: the result carries WacResult, WacErrorCode, WacErrorDetail and WacExceptionMessage, also on failure.</summary>
        [Parameter]
        public SwitchParameter IsWAC { get; set; }

        /// <summary>Folder for UnregisterHCI_yyyyMMdd-HHmmss.log (default: the current directory).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? LogsDirectory { get; set; }

        protected override void ProcessRecord()
        {
            CheckSignInParameters(TenantId, ArmAccessToken);
            CheckRemotingParameters(Credential);
            var request = new UnregistrationRequest
            {
                SubscriptionId = string.IsNullOrEmpty(SubscriptionId) ? null : SubscriptionId,
                ResourceName = string.IsNullOrEmpty(ResourceName) ? null : ResourceName,
                ResourceGroupName = string.IsNullOrEmpty(ResourceGroupName) ? null : ResourceGroupName,
                EnvironmentName = EnvironmentName,
                ComputerName = CloudOnly && !MyInvocation.BoundParameters.ContainsKey(nameof(ComputerName)) ? null : ComputerName,
                CloudOnly = CloudOnly,
                DisableOnlyAzureArcServer = DisableOnlyAzureArcServer,
                Force = Force,
                ThrottleLimit = ThrottleLimit,
                LogsDirectory = LogsDirectory is null ? null : LogsPath(LogsDirectory),
                DefaultLogsDirectory = LogsPath(null),
                SignIn = SignIn(TenantId, ArmAccessToken, AccountId),
            };

            if (!TryRunWorkflow(Credential, (connector, reporter, token) => new UnregisterWorkflow(connector, reporter).RunAsync(request, token), out var result, WriteWacFailure))
            {
                return;
            }

            var output = new AzStackHCIUnregistrationResult
            {
                Result = result.Result switch
                {
                    UnregistrationStatus.Success => OperationStatus.Success,
                    UnregistrationStatus.Cancelled => OperationStatus.Cancelled,
                    _ => OperationStatus.Failed,
                },
                AzureResourceId = result.AzureResourceId,
                Details = result.Details,
                ErrorDetail = result.Error?.ErrorId,
                Nodes = result.Nodes.Select(n => new AzStackHCINodeResult { ComputerName = n.ComputerName, Status = n.Status, Detail = n.Detail }).ToList(),
            };
            WriteObject(IsWAC ? WacOutput.Describe(output, output.Result, output.ErrorDetail, result.Error) : output);
            if (result.Error is not null)
            {
                WriteError(ErrorRecords.From(result.Error));
            }
        }

        /// <summary>With -IsWAC a failure is also a result (Result Failed), as Windows Admin Center reads it.</summary>
        private void WriteWacFailure(HciException error)
        {
            if (IsWAC)
            {
                var failed = new AzStackHCIUnregistrationResult { Result = OperationStatus.Failed, Details = error.Message, ErrorDetail = error.ErrorId };
                WriteObject(WacOutput.Describe(failed, failed.Result, failed.ErrorDetail, error));
            }
        }
    }
}
