using System.Linq;
using System.Management.Automation;
using Az.StackHCI.Completers;
using Az.StackHCI.Core.Workflows.Settings;
using Az.StackHCI.Models;

namespace Az.StackHCI.Commands
{
    /// <summary>
    /// Changes the cluster's settings in Azure (Windows Server subscription, diagnostic level), then has a node sync
    /// so they take effect, and reports when the cluster applied them.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "AzStackHCI", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByComputerName)]
    [OutputType(typeof(AzStackHCISettingsResult))]
    public sealed class SetAzStackHCICommand : AzStackHCISignInCmdlet
    {
        private const string ByComputerName = "ByComputerName";
        private const string ByResourceId = "ByResourceId";

        [Parameter(Position = 0, ParameterSetName = ByComputerName, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Cluster", "ClusterName", "Node")]
        [ValidateNotNullOrEmpty]
        public string ComputerName { get; set; } = "localhost";

        /// <summary>Credential for the PowerShell sessions to the nodes (WinRM).</summary>
        [Parameter(ParameterSetName = ByComputerName)]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>The cluster's Azure resource id: no node is asked, and none syncs (the cluster applies the change at its next sync).</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByResourceId)]
        [ValidateNotNullOrEmpty]
        public string? ResourceId { get; set; }

        /// <summary>Turns the Windows Server subscription (guest licenses billed through Azure) on ($true) or off ($false).</summary>
        [Parameter]
        public bool EnableWSSubscription { get; set; }

        [Parameter]
        public DiagnosticLevel DiagnosticLevel { get; set; }

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

        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
        public string EnvironmentName { get; set; } = "AzureCloud";

        /// <summary>Changes the Windows Server subscription without asking first (billing changes with it).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Folder for SetAzStackHCI_yyyyMMdd-HHmmss.log (default: the current directory).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? LogsDirectory { get; set; }

        protected override void ProcessRecord()
        {
            CheckSignInParameters(TenantId, ArmAccessToken);
            CheckRemotingParameters(Credential);
            var request = new SettingsRequest
            {
                EnvironmentName = EnvironmentName,
                ComputerName = ComputerName,
                ResourceId = ResourceId,
                EnableWSSubscription = MyInvocation.BoundParameters.ContainsKey(nameof(EnableWSSubscription)) ? EnableWSSubscription : (bool?)null,
                DiagnosticLevel = MyInvocation.BoundParameters.ContainsKey(nameof(DiagnosticLevel)) ? DiagnosticLevel.ToString() : null,
                ThrottleLimit = ThrottleLimit,
                LogsDirectory = LogsDirectory is null ? null : LogsPath(LogsDirectory),
                DefaultLogsDirectory = LogsPath(null),
                SignIn = SignIn(TenantId, ArmAccessToken, AccountId),
            };

            // Billing changes with the subscription, so it is confirmed even when -Confirm is off, as Microsoft's asks;
            // declined, nothing is contacted and nothing is returned.
            if (request.EnableWSSubscription is not null && !Force && !IsWhatIf
                && !ShouldContinue(Messages.WSSubscriptionQuestion, Messages.WSSubscriptionCaption))
            {
                return;
            }

            if (!TryRunWorkflow(Credential, (connector, reporter, token) => new SettingsWorkflow(connector, reporter).RunAsync(request, token), out var result))
            {
                return;
            }

            WriteObject(new AzStackHCISettingsResult
            {
                Result = result.Result switch
                {
                    SettingsStatus.Success => OperationStatus.Success,
                    SettingsStatus.Cancelled => OperationStatus.Cancelled,
                    _ => OperationStatus.Failed,
                },
                Details = result.Details,
                ResourceId = result.ResourceId,
                WindowsServerSubscription = result.WindowsServerSubscription,
                DiagnosticLevel = result.DiagnosticLevel,
                Changes = result.Changes.Select(c => c.ToString()).ToList(),
                Applied = result.Applied,
                ReportedAt = result.ReportedAt?.UtcDateTime,
            });
        }

        /// <summary>Microsoft's texts.</summary>
        private static class Messages
        {
            public const string WSSubscriptionCaption = "Configure Windows Server Subscription";
            public const string WSSubscriptionQuestion = "This will enable or disable billing for Windows Server guest licenses through your Azure subscription.";
        }
    }
}
