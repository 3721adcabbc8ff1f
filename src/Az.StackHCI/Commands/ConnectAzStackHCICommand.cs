using System.Management.Automation;
using Az.StackHCI.Completers;
using Az.StackHCI.Core.Workflows;
using Az.StackHCI.Models;

namespace Az.StackHCI.Commands
{
    /// <summary>
    /// Signs in ahead of time, for the rest of the PowerShell session: later commands of the same environment (and
    /// tenant) use this sign-in without a prompt. Takes Register-AzStackHCI's sign-in parameters; the node ones are
    /// not needed here, which is why they are declared again rather than inherited.
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "AzStackHCI")]
    [OutputType(typeof(AzStackHCIContext))]
    public sealed class ConnectAzStackHCICommand : AzStackHCICmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
        public string EnvironmentName { get; set; } = "AzureCloud";

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TenantId { get; set; }

        /// <summary>Sign in to the tenant that owns this subscription (found from Azure Resource Manager) when -TenantId is left out.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SubscriptionId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [SecureStringToken]
        public string? ArmAccessToken { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [SecureStringToken]
        public string? GraphAccessToken { get; set; }

        /// <summary>The account the tokens belong to; for a user signing in, the account to suggest in the browser.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? AccountId { get; set; }

        [Parameter]
        public SwitchParameter UseDeviceAuthentication { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? ServicePrincipalCredential { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ServicePrincipalId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ServicePrincipalCertificatePath { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? FederatedTokenFile { get; set; }

        [Parameter]
        public SwitchParameter UseWorkloadIdentity { get; set; }

        protected override void ProcessRecord()
        {
            var parameters = new SignInParameters
            {
                TenantId = TenantId,
                ArmAccessToken = ArmAccessToken,
                GraphAccessToken = GraphAccessToken,
                AccountId = AccountId,
                UseDeviceAuthentication = UseDeviceAuthentication,
                ServicePrincipalCredential = ServicePrincipalCredential,
                ServicePrincipalId = ServicePrincipalId,
                ServicePrincipalCertificatePath = ServicePrincipalCertificatePath,
                FederatedTokenFile = FederatedTokenFile,
                UseWorkloadIdentity = UseWorkloadIdentity,
            };
            parameters.Check(Refuse);
            var request = parameters.ToRequest(SessionState.Path.GetUnresolvedProviderPathFromPSPath);
            var context = RunOperation((reporter, token) => new ConnectWorkflow(reporter).RunAsync(EnvironmentName, request, SubscriptionId, token));
            WriteObject(context.ToModel());
        }
    }
}
