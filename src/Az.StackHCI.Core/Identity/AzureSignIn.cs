using System;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Resilience;
using Azure.Core;
using Azure.Identity;

namespace Az.StackHCI.Core.Identity
{
    /// <summary>
    /// Signs in once per PowerShell session: a command reuses the session's sign-in of the same environment, tenant
    /// and identity (<see cref="SignedInIdentities"/>), and signs in only when there is none.
    /// </summary>
    public static class AzureSignIn
    {
        // Advice the SDK gives developers, not admins.
        private static readonly Regex SdkAdvice = new Regex(@"\s*(Retry settings can be adjusted in ClientOptions\.Retry[^.]*\.|See the troubleshooting guide for more information\.\s*\S+)", RegexOptions.CultureInvariant);

        /// <summary>
        /// Signs in, or reuses the session's sign-in; with a subscription, in the tenant that owns it when no tenant is
        /// given (ARM's challenge), and a token of another tenant is refused before anything is changed
        /// (SubscriptionInAnotherTenant).
        /// </summary>
        public static async Task<AzureSession> SignInAsync(HciEnvironment environment, SignInRequest request, IOperationReporter reporter, CancellationToken cancellationToken, string? subscriptionId = null)
        {
            request = request.WithWorkloadIdentity(Environment.GetEnvironmentVariable);
            var retries = new SdkRetryPolicy(reporter.Verbose);
            var subscriptionTenant = string.IsNullOrEmpty(subscriptionId) || request.UseManagedIdentity
                ? null
                : await SubscriptionTenant.DiscoverAsync(environment, subscriptionId!, retries, reporter.Verbose, cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(request.TenantId) && subscriptionTenant is not null && string.IsNullOrEmpty(request.ArmAccessToken))
            {
                request = request.WithTenant(subscriptionTenant);
            }

            // A sign-in to another tenant than the subscription's is refused before the session keeps it.
            void RequireSubscriptionTenant(SignedInIdentity signedIn)
            {
                if (subscriptionTenant is not null && signedIn.TenantId.Length > 0 && !string.Equals(signedIn.TenantId, subscriptionTenant, StringComparison.OrdinalIgnoreCase))
                {
                    throw new HciException("SubscriptionInAnotherTenant", HciErrorCategory.InvalidArgument, subscriptionId,
                        $"Subscription {subscriptionId} belongs to tenant {subscriptionTenant}, but {signedIn.Account} is signed in to tenant {signedIn.TenantId}. Nothing was changed. " +
                        $"Sign in to tenant {subscriptionTenant}: give -TenantId {subscriptionTenant}, or leave -TenantId out to let the module find it, or bring a token that tenant issued.");
                }
            }

            SignedInIdentity identity;
            using (CommandReporter.Use(reporter))
            {
                identity = !string.IsNullOrEmpty(request.ArmAccessToken)
                    ? await SuppliedIdentityAsync(environment, request, retries, RequireSubscriptionTenant, cancellationToken).ConfigureAwait(false)
                    : await SessionIdentityAsync(environment, request, reporter, RequireSubscriptionTenant, cancellationToken).ConfigureAwait(false);
            }

            return new AzureSession(identity, retries, reporter);
        }

        /// <summary>Refuses supplied tokens that are expired or for the wrong service (throws HciException).</summary>
        public static void CheckSuppliedTokens(HciEnvironment environment, SignInRequest request) =>
            _ = new SuppliedTokens(environment, request.ArmAccessToken!, request.GraphAccessToken, DateTimeOffset.UtcNow);

        /// <summary>
        /// Who the supplied tokens belong to. A command uses them for itself; Connect-AzStackHCI keeps them for the
        /// session, until they expire (they cannot be refreshed).
        /// </summary>
        private static async Task<SignedInIdentity> SuppliedIdentityAsync(HciEnvironment environment, SignInRequest request, SdkRetryPolicy retries, Action<SignedInIdentity> accept, CancellationToken cancellationToken)
        {
            var identity = await ProveAsync(environment, request, Credentials.Create(environment, request, CommandReporter.Current!, retries), Credentials.IdentityKey(request), cancellationToken).ConfigureAwait(false);
            accept(identity);
            if (request.Fresh)
            {
                SignedInIdentities.Remember(identity);
            }

            return identity;
        }

        /// <summary>The session's sign-in for this request, or a new one kept for the session.</summary>
        private static async Task<SignedInIdentity> SessionIdentityAsync(HciEnvironment environment, SignInRequest request, IOperationReporter reporter, Action<SignedInIdentity> accept, CancellationToken cancellationToken)
        {
            var key = Credentials.IdentityKey(request);
            var wanted = request.NamesIdentity ? key : null;
            if (!request.Fresh && SignedInIdentities.Find(environment, wanted, request.TenantId) is SignedInIdentity known)
            {
                accept(known);
                return Reused(known, reporter);
            }

            await SignedInIdentities.SigningIn.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Another command of this session may have signed in while this one waited.
                if (!request.Fresh && SignedInIdentities.Find(environment, wanted, request.TenantId) is SignedInIdentity signedIn)
                {
                    accept(signedIn);
                    return Reused(signedIn, reporter);
                }

                var identity = await ProveAsync(environment, request, Credentials.Create(environment, request, reporter, SdkRetryPolicy.ForSessionCredential()), key, cancellationToken).ConfigureAwait(false);
                accept(identity);
                SignedInIdentities.Remember(identity);
                return identity;
            }
            finally
            {
                SignedInIdentities.SigningIn.Release();
            }
        }

        private static SignedInIdentity Reused(SignedInIdentity identity, IOperationReporter reporter)
        {
            if (identity.ExpiresOn is DateTimeOffset expires && expires <= DateTimeOffset.UtcNow)
            {
                // Tokens given to Connect-AzStackHCI cannot be refreshed: say so rather than send them.
                SignedInIdentities.Forget(identity);
                throw new HciException("AccessTokenExpired", HciErrorCategory.AuthenticationError, "ArmAccessToken",
                    $"The tokens given to Connect-AzStackHCI for {identity.Account} expired at {expires:u}. Get new ones and run Connect-AzStackHCI again, or sign in another way.");
            }

            reporter.Verbose($"Using this session's sign-in: {identity.Account} in tenant {identity.TenantId} ({identity.Method}, since {identity.SignedInAt:u}).");
            return identity;
        }

        /// <summary>Signs in by getting an ARM token: who signed in, in which tenant, comes from it.</summary>
        private static async Task<SignedInIdentity> ProveAsync(HciEnvironment environment, SignInRequest request, (TokenCredential Credential, SignInMethod Method) credential, string key, CancellationToken cancellationToken)
        {
            var reporter = CommandReporter.Current!;
            reporter.Verbose($"Signing in to {environment.ActiveDirectoryAuthority} for {environment.ResourceManagerScope} ({credential.Method}).");
            var context = new TokenRequestContext(new[] { environment.ResourceManagerScope }, isCaeEnabled: true);
            AccessToken token;
            AuthenticationRecord? record;
            try
            {
                // A user's sign-in yields an authentication record: which account of the credential's cache to use.
                record = credential.Credential switch
                {
                    InteractiveBrowserCredential browser => await browser.AuthenticateAsync(context, cancellationToken).ConfigureAwait(false),
                    DeviceCodeCredential deviceCode => await deviceCode.AuthenticateAsync(context, cancellationToken).ConfigureAwait(false),
                    _ => null,
                };
                token = await credential.Credential.GetTokenAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AuthenticationFailedException || ex is CredentialUnavailableException)
            {
                throw Failed(environment, ex);
            }

            var claims = JwtClaims.Read(token.Token);
            var tenant = claims.TenantId ?? request.TenantId ?? "";
            var account = request.AccountId ?? claims.UserName ?? record?.Username ?? claims.AppId ?? claims.ObjectId ?? "";
            reporter.Verbose($"Signed in as {account} in tenant {tenant}.");
            return new SignedInIdentity(environment, credential.Credential, tenant, account, credential.Method, key)
            {
                // A user, also when the tokens were brought: a user's token names the user.
                IsUser = credential.Method == SignInMethod.Browser || credential.Method == SignInMethod.DeviceCode || (credential.Method == SignInMethod.AccessToken && claims.UserName is not null),
                RequestedTenant = request.TenantId,
                Record = record,
                ExpiresOn = credential.Method == SignInMethod.AccessToken ? token.ExpiresOn : (DateTimeOffset?)null,
            };
        }

        /// <summary>A failed sign-in in the admin's words: the network failure, or Entra ID's own reason and what its code means.</summary>
        private static HciException Failed(HciEnvironment environment, Exception ex)
        {
            var authority = environment.ActiveDirectoryAuthority;
            if (NetworkFailures.Describe(ex, authority.Host) is HciException network)
            {
                return new HciException(network.ErrorId, network.Category, network.Target, $"Sign-in to {authority} failed. {network.Message}", ex);
            }

            // The service's own words (AADSTS code and reason) are in the innermost exception.
            var reason = SdkAdvice.Replace(ex.InnerException?.Message ?? ex.Message, "").Trim();
            var meaning = EntraErrorCodes.Explain(reason);
            return new HciException("AuthenticationFailed", HciErrorCategory.AuthenticationError, authority.AbsoluteUri,
                $"Sign-in to {authority} failed: {reason}" + (meaning is null ? "" : $" {meaning}"), ex);
        }
    }
}
