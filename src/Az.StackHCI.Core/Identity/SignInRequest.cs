using System;

namespace Az.StackHCI.Core.Identity
{
    /// <summary>
    /// How to sign in. With nothing set, the PowerShell session's sign-in is used, else the user signs in: in a browser
    /// where one can open, with a device code otherwise or when asked (as Microsoft's module does).
    /// Secrets arrive as plain strings at this boundary only; the engine never logs or returns them.
    /// </summary>
    public sealed class SignInRequest
    {
        public string? TenantId { get; set; }

        /// <summary>An ARM access token obtained elsewhere (Microsoft's <c>-ArmAccessToken</c>).</summary>
        public string? ArmAccessToken { get; set; }

        /// <summary>A Microsoft Graph token to go with <see cref="ArmAccessToken"/>.</summary>
        public string? GraphAccessToken { get; set; }

        /// <summary>The account the tokens belong to, shown in messages and logs.</summary>
        public string? AccountId { get; set; }

        /// <summary>Application (client) id of a service principal.</summary>
        public string? ClientId { get; set; }

        public string? ClientSecret { get; set; }

        /// <summary>PEM or PFX file with the service principal's certificate and private key.</summary>
        public string? CertificatePath { get; set; }

        public string? CertificatePassword { get; set; }

        /// <summary>A file holding an OIDC token of an issuer the application trusts (workload identity federation).</summary>
        public string? FederatedTokenFile { get; set; }

        /// <summary>Take the application, tenant and token file left out from AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE.</summary>
        public bool UseWorkloadIdentity { get; set; }

        public bool UseManagedIdentity { get; set; }

        /// <summary>A user signs in with a device code even where a browser could open (-UseDeviceAuthentication).</summary>
        public bool UseDeviceCode { get; set; }

        /// <summary>Sign in anew even when the PowerShell session holds a sign-in for this identity (Connect-AzStackHCI).</summary>
        public bool Fresh { get; set; }

        /// <summary>True when the caller named a way to sign in; otherwise the session's sign-in may serve.</summary>
        internal bool NamesIdentity =>
            ArmAccessToken is not null || ClientId is not null || UseManagedIdentity || UseWorkloadIdentity || FederatedTokenFile is not null;

        /// <summary>The same sign-in in the given tenant (the subscription's, when none was given).</summary>
        internal SignInRequest WithTenant(string tenantId)
        {
            var copy = (SignInRequest)MemberwiseClone();
            copy.TenantId = tenantId;
            return copy;
        }

        /// <summary>
        /// With <see cref="UseWorkloadIdentity"/>, what was left out taken from the standard variables (as
        /// Azure.Identity's WorkloadIdentityCredential reads them); refused when one is still missing.
        /// </summary>
        internal SignInRequest WithWorkloadIdentity(Func<string, string?> variable)
        {
            if (!UseWorkloadIdentity)
            {
                return this;
            }

            var copy = (SignInRequest)MemberwiseClone();
            copy.ClientId ??= NonEmpty(variable("AZURE_CLIENT_ID"));
            copy.TenantId ??= NonEmpty(variable("AZURE_TENANT_ID"));
            copy.FederatedTokenFile ??= NonEmpty(variable("AZURE_FEDERATED_TOKEN_FILE"));
            var missing = copy.ClientId is null ? "AZURE_CLIENT_ID (or -ServicePrincipalId)"
                : copy.TenantId is null ? "AZURE_TENANT_ID (or -TenantId)"
                : copy.FederatedTokenFile is null ? "AZURE_FEDERATED_TOKEN_FILE (or -FederatedTokenFile)"
                : null;
            if (missing is not null)
            {
                throw new Operations.HciException("WorkloadIdentityNotConfigured", Operations.HciErrorCategory.InvalidArgument, "UseWorkloadIdentity",
                    $"-UseWorkloadIdentity needs {missing}. Set the variable (AKS workload identity sets all three; in GitHub Actions, write the job's OIDC token to a file: docs/fleet.md), or give the parameter.");
            }

            return copy;
        }

        private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
    }
}
