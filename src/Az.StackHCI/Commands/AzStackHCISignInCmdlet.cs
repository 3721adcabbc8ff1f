using System.Management.Automation;
using Az.StackHCI.Core.Identity;

namespace Az.StackHCI.Commands
{
    /// <summary>
    /// The sign-in parameters the cloud-facing cluster commands share. -TenantId, -ArmAccessToken and -AccountId are
    /// declared by each command, where Microsoft's module gives them positions. Connect-AzStackHCI declares the same
    /// parameters without the node ones; both go through <see cref="SignInParameters"/>.
    /// </summary>
    public abstract class AzStackHCISignInCmdlet : AzStackHCINodeCmdlet
    {
        /// <summary>A Microsoft Graph token to go with -ArmAccessToken (the cluster's applications are managed through Graph).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [SecureStringToken]
        public string? GraphAccessToken { get; set; }

        [Parameter]
        public SwitchParameter UseDeviceAuthentication { get; set; }

        /// <summary>A service principal signs in with this: UserName = application id, Password = client secret.</summary>
        [Parameter]
        [Credential]
        public PSCredential? ServicePrincipalCredential { get; set; }

        /// <summary>Application id of a service principal that signs in with -ServicePrincipalCertificatePath or -FederatedTokenFile.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ServicePrincipalId { get; set; }

        /// <summary>PEM or PFX file with the service principal's certificate and private key.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ServicePrincipalCertificatePath { get; set; }

        /// <summary>A file with an OIDC token from an issuer the application trusts (workload identity federation, as in CI).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? FederatedTokenFile { get; set; }

        /// <summary>Federated sign-in with AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE for what is not given.</summary>
        [Parameter]
        public SwitchParameter UseWorkloadIdentity { get; set; }

        /// <summary>True when any way of signing in was named.</summary>
        protected bool SignInRequested(string? armAccessToken) => Parameters(null, armAccessToken, null).NamesIdentity;

        /// <summary>Combinations no single parameter set can express; refused before anything is contacted.</summary>
        protected void CheckSignInParameters(string? tenantId, string? armAccessToken) =>
            Parameters(tenantId, armAccessToken, null).Check(Refuse);

        protected SignInRequest SignIn(string? tenantId, string? armAccessToken, string? accountId) =>
            Parameters(tenantId, armAccessToken, accountId).ToRequest(SessionState.Path.GetUnresolvedProviderPathFromPSPath);

        private SignInParameters Parameters(string? tenantId, string? armAccessToken, string? accountId) => new SignInParameters
        {
            TenantId = tenantId,
            ArmAccessToken = armAccessToken,
            GraphAccessToken = GraphAccessToken,
            AccountId = accountId,
            UseDeviceAuthentication = UseDeviceAuthentication,
            ServicePrincipalCredential = ServicePrincipalCredential,
            ServicePrincipalId = ServicePrincipalId,
            ServicePrincipalCertificatePath = ServicePrincipalCertificatePath,
            FederatedTokenFile = FederatedTokenFile,
            UseWorkloadIdentity = UseWorkloadIdentity,
        };
    }
}
