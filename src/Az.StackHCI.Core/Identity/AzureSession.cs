using System;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Resilience;
using Azure.Core;
using Azure.Identity;

namespace Az.StackHCI.Core.Identity
{
    /// <summary>How a session signed in: shown to the user, never a secret.</summary>
    public enum SignInMethod
    {
        Browser,
        DeviceCode,
        ClientSecret,
        ClientCertificate,
        FederatedToken,
        ManagedIdentity,
        AccessToken,
    }

    /// <summary>
    /// One command's view of a signed-in identity: the identity may be remembered for the PowerShell session
    /// (<see cref="SignedInIdentities"/>), while the SDK's retries of this command's calls reach this command's log.
    /// </summary>
    public sealed class AzureSession
    {
        internal AzureSession(SignedInIdentity identity, SdkRetryPolicy retries, IOperationReporter reporter)
        {
            Identity = identity;
            Retries = retries;
            Credential = new ReportingCredential(identity.Credential, reporter);
        }

        public HciEnvironment Environment => Identity.Environment;

        public string TenantId => Identity.TenantId;

        /// <summary>User principal name, or the application id of a service principal.</summary>
        public string Account => Identity.Account;

        internal SignedInIdentity Identity { get; }

        internal TokenCredential Credential { get; }

        /// <summary>The Azure SDK clients' retry policy, whose log the Graph client's retries share.</summary>
        internal SdkRetryPolicy Retries { get; }
    }

    /// <summary>
    /// Who is signed in where, and the credential that holds the tokens (the SDK's in-memory cache refreshes them
    /// silently). Only the credential holds a token or secret; <see cref="IdentityKey"/> holds a hash where one is involved.
    /// </summary>
    internal sealed class SignedInIdentity
    {
        public SignedInIdentity(HciEnvironment environment, TokenCredential credential, string tenantId, string account, SignInMethod method, string identityKey)
        {
            Environment = environment;
            Credential = credential;
            TenantId = tenantId;
            Account = account;
            Method = method;
            IdentityKey = identityKey;
            SignedInAt = DateTimeOffset.UtcNow;
        }

        public HciEnvironment Environment { get; }

        public TokenCredential Credential { get; }

        public string TenantId { get; }

        public string Account { get; }

        public SignInMethod Method { get; }

        public string IdentityKey { get; }

        public DateTimeOffset SignedInAt { get; }

        public bool IsUser { get; set; }

        /// <summary>The tenant as the request named it (a domain, say), so a later request naming it the same way finds this sign-in.</summary>
        public string? RequestedTenant { get; set; }

        /// <summary>A user's authentication record (account and tenant, no token), held with the credential; never shown.</summary>
        public AuthenticationRecord? Record { get; set; }

        /// <summary>When brought tokens expire; null for a credential that refreshes its tokens.</summary>
        public DateTimeOffset? ExpiresOn { get; set; }
    }
}
