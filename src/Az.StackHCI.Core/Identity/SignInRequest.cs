namespace Az.StackHCI.Core.Identity
{
    /// <summary>
    /// How to sign in. With nothing set, the device code flow runs (the default, as in Microsoft's module).
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

        public bool UseManagedIdentity { get; set; }

        /// <summary>The same sign-in in the given tenant (the subscription's, when none was given).</summary>
        internal SignInRequest WithTenant(string tenantId)
        {
            var copy = (SignInRequest)MemberwiseClone();
            copy.TenantId = tenantId;
            return copy;
        }
    }
}
