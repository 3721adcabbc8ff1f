using System;
using System.Linq;
using System.Management.Automation;
using Az.StackHCI.Core.Identity;

namespace Az.StackHCI.Commands
{
    /// <summary>
    /// The sign-in parameters as bound, whichever command declared them: the combinations no parameter set can
    /// express are refused here, and the engine's <see cref="SignInRequest"/> is built here.
    /// </summary>
    internal sealed class SignInParameters
    {
        public string? TenantId { get; set; }
        public string? ArmAccessToken { get; set; }
        public string? GraphAccessToken { get; set; }
        public string? AccountId { get; set; }
        public bool UseDeviceAuthentication { get; set; }
        public PSCredential? ServicePrincipalCredential { get; set; }
        public string? ServicePrincipalId { get; set; }
        public string? ServicePrincipalCertificatePath { get; set; }
        public string? FederatedTokenFile { get; set; }
        public bool UseWorkloadIdentity { get; set; }

        /// <summary>True when a way of signing in was named; otherwise the session's sign-in serves (or a user signs in).</summary>
        public bool NamesIdentity =>
            ArmAccessToken is not null || ServicePrincipalCredential is not null || ServicePrincipalId is not null || FederatedTokenFile is not null || UseWorkloadIdentity;

        /// <summary>Calls <paramref name="refuse"/> (error id, parameter, message) for the first combination that cannot work.</summary>
        public void Check(Action<string, string, string> refuse)
        {
            var federated = FederatedTokenFile is not null || UseWorkloadIdentity;
            var signIns = new[] { ArmAccessToken is not null, ServicePrincipalCredential is not null, ServicePrincipalCertificatePath is not null, federated }.Count(x => x);
            if (signIns > 1 || (UseDeviceAuthentication && (signIns > 0 || ServicePrincipalId is not null)))
            {
                refuse("ConflictingSignInParameters", "UseDeviceAuthentication",
                    "Choose one way to sign in: as a user (a browser, or a device code with -UseDeviceAuthentication), -ArmAccessToken with -GraphAccessToken, -ServicePrincipalCredential, " +
                    "-ServicePrincipalId with -ServicePrincipalCertificatePath, or -ServicePrincipalId with -FederatedTokenFile (or -UseWorkloadIdentity).");
            }

            if (ServicePrincipalCertificatePath is not null && ServicePrincipalId is null)
            {
                refuse("IncompleteServicePrincipalCertificate", "ServicePrincipalId",
                    "A service principal signing in with a certificate needs both -ServicePrincipalId and -ServicePrincipalCertificatePath.");
            }

            if (ServicePrincipalId is not null && ServicePrincipalCertificatePath is null && !federated)
            {
                refuse("IncompleteServicePrincipal", "ServicePrincipalId",
                    "-ServicePrincipalId signs in with -ServicePrincipalCertificatePath (a certificate) or -FederatedTokenFile (an OIDC token, as in CI); give one of them.");
            }

            if (FederatedTokenFile is not null && !UseWorkloadIdentity && ServicePrincipalId is null)
            {
                refuse("IncompleteFederatedSignIn", "ServicePrincipalId",
                    "-FederatedTokenFile needs -ServicePrincipalId (the application that trusts the token's issuer) and -TenantId, or -UseWorkloadIdentity to take them from AZURE_CLIENT_ID and AZURE_TENANT_ID.");
            }

            if ((ServicePrincipalCredential is not null || ServicePrincipalId is not null) && !UseWorkloadIdentity && TenantId is null)
            {
                refuse("TenantIdRequired", "TenantId", "A service principal signs in to one tenant: give -TenantId.");
            }
        }

        /// <summary>The engine's request; <paramref name="resolvePath"/> turns a PowerShell path into a file system path.</summary>
        public SignInRequest ToRequest(Func<string, string> resolvePath) => new SignInRequest
        {
            TenantId = TenantId,
            ArmAccessToken = ArmAccessToken,
            GraphAccessToken = GraphAccessToken,
            AccountId = AccountId,
            ClientId = ServicePrincipalCredential?.UserName ?? ServicePrincipalId,
            ClientSecret = ServicePrincipalCredential?.GetNetworkCredential().Password,
            CertificatePath = ServicePrincipalCertificatePath is null ? null : resolvePath(ServicePrincipalCertificatePath),
            FederatedTokenFile = FederatedTokenFile is null ? null : resolvePath(FederatedTokenFile),
            UseWorkloadIdentity = UseWorkloadIdentity,
            UseDeviceCode = UseDeviceAuthentication,
        };
    }
}
