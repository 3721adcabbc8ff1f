using System.Linq;
using System.Management.Automation;
using Az.StackHCI.Core.Identity;

namespace Az.StackHCI.Commands
{
    /// <summary>
    /// The sign-in parameters the cloud-facing commands share. -TenantId, -ArmAccessToken and -AccountId are
    /// declared by each command, where Microsoft's module gives them positions.
    /// </summary>
    public abstract class AzStackHCISignInCmdlet : AzStackHCINodeCmdlet
    {
        /// <summary>A Microsoft Graph token to go with -ArmAccessToken (the cluster's applications are managed through Graph).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? GraphAccessToken { get; set; }

        [Parameter]
        public SwitchParameter UseDeviceAuthentication { get; set; }

        /// <summary>A service principal signs in with this: UserName = application id, Password = client secret.</summary>
        [Parameter]
        [Credential]
        public PSCredential? ServicePrincipalCredential { get; set; }

        /// <summary>Application id of a service principal that signs in with -ServicePrincipalCertificatePath.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ServicePrincipalId { get; set; }

        /// <summary>PEM or PFX file with the service principal's certificate and private key.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ServicePrincipalCertificatePath { get; set; }

        /// <summary>True when any way of signing in was chosen explicitly.</summary>
        protected bool SignInRequested(string? armAccessToken) =>
            UseDeviceAuthentication || armAccessToken is not null || ServicePrincipalCredential is not null || ServicePrincipalId is not null;

        /// <summary>Combinations no single parameter set can express; refused before anything is contacted.</summary>
        protected void CheckSignInParameters(string? tenantId, string? armAccessToken)
        {
            var signIns = new[] { armAccessToken is not null, ServicePrincipalCredential is not null, ServicePrincipalId is not null || ServicePrincipalCertificatePath is not null }.Count(x => x);
            if (signIns > 1 || (UseDeviceAuthentication && signIns > 0))
            {
                Refuse("ConflictingSignInParameters", "UseDeviceAuthentication",
                    "Choose one way to sign in: device code (-UseDeviceAuthentication, the default), -ArmAccessToken with -GraphAccessToken, -ServicePrincipalCredential, or -ServicePrincipalId with -ServicePrincipalCertificatePath.");
            }

            if ((ServicePrincipalId is null) != (ServicePrincipalCertificatePath is null))
            {
                Refuse("IncompleteServicePrincipalCertificate", ServicePrincipalId is null ? "ServicePrincipalId" : "ServicePrincipalCertificatePath",
                    "A service principal signing in with a certificate needs both -ServicePrincipalId and -ServicePrincipalCertificatePath.");
            }

            if ((ServicePrincipalCredential is not null || ServicePrincipalId is not null) && tenantId is null)
            {
                Refuse("TenantIdRequired", "TenantId", "A service principal signs in to one tenant: give -TenantId.");
            }
        }

        protected SignInRequest SignIn(string? tenantId, string? armAccessToken, string? accountId) => new SignInRequest
        {
            TenantId = tenantId,
            ArmAccessToken = armAccessToken,
            GraphAccessToken = GraphAccessToken,
            AccountId = accountId,
            ClientId = ServicePrincipalCredential?.UserName ?? ServicePrincipalId,
            ClientSecret = ServicePrincipalCredential?.GetNetworkCredential().Password,
            CertificatePath = ServicePrincipalCertificatePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ServicePrincipalCertificatePath),
        };
    }
}
