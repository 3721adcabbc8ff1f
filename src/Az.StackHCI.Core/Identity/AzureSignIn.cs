using System;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Resilience;
using Azure.Core;
using Azure.Identity;

namespace Az.StackHCI.Core.Identity
{
    /// <summary>A signed-in identity for one environment; the credential stays inside the engine.</summary>
    public sealed class AzureSession
    {
        internal AzureSession(HciEnvironment environment, TokenCredential credential, string tenantId, string account, SdkRetryPolicy retries)
        {
            Environment = environment;
            Credential = credential;
            TenantId = tenantId;
            Account = account;
            Retries = retries;
        }

        public HciEnvironment Environment { get; }

        public string TenantId { get; }

        /// <summary>User principal name, or the application id of a service principal.</summary>
        public string Account { get; }

        internal TokenCredential Credential { get; }

        /// <summary>The Azure SDK clients' retry policy, whose log the Graph client's retries share.</summary>
        internal SdkRetryPolicy Retries { get; }
    }

    /// <summary>Turns a <see cref="SignInRequest"/> into an Azure.Identity credential and proves it with an ARM token.</summary>
    public static class AzureSignIn
    {
        /// <summary>
        /// Signs in; with a subscription, in the tenant that owns it when no tenant is given (ARM's challenge), and a
        /// token of another tenant is refused before anything is changed (SubscriptionInAnotherTenant).
        /// </summary>
        public static async Task<AzureSession> SignInAsync(HciEnvironment environment, SignInRequest request, IOperationReporter reporter, CancellationToken cancellationToken, string? subscriptionId = null)
        {
            var retries = new SdkRetryPolicy(reporter.Verbose);
            var subscriptionTenant = string.IsNullOrEmpty(subscriptionId) || request.UseManagedIdentity
                ? null
                : await SubscriptionTenant.DiscoverAsync(environment, subscriptionId!, retries, reporter.Verbose, cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(request.TenantId) && subscriptionTenant is not null && string.IsNullOrEmpty(request.ArmAccessToken))
            {
                request = request.WithTenant(subscriptionTenant);
            }

            var credential = CreateCredential(environment, request, reporter, retries);
            reporter.Verbose($"Signing in to {environment.ActiveDirectoryAuthority} for {environment.ResourceManagerScope}.");
            AccessToken token;
            try
            {
                token = await credential.GetTokenAsync(new TokenRequestContext(new[] { environment.ResourceManagerScope }, isCaeEnabled: true), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AuthenticationFailedException || ex is CredentialUnavailableException)
            {
                // The service's own words (AADSTS code and reason) are in the innermost exception.
                var reason = ex.InnerException?.Message ?? ex.Message;
                throw new HciException("AuthenticationFailed", HciErrorCategory.AuthenticationError, environment.ActiveDirectoryAuthority.AbsoluteUri,
                    $"Sign-in to {environment.ActiveDirectoryAuthority} failed: {reason}", ex);
            }

            var claims = JwtClaims.Read(token.Token);
            var tenant = claims.TenantId ?? request.TenantId ?? "";
            var account = request.AccountId ?? claims.UserName ?? claims.AppId ?? claims.ObjectId ?? "";
            if (subscriptionTenant is not null && tenant.Length > 0 && !string.Equals(tenant, subscriptionTenant, StringComparison.OrdinalIgnoreCase))
            {
                throw new HciException("SubscriptionInAnotherTenant", HciErrorCategory.InvalidArgument, subscriptionId,
                    $"Subscription {subscriptionId} belongs to tenant {subscriptionTenant}, but {account} is signed in to tenant {tenant}. Nothing was changed. " +
                    $"Sign in to tenant {subscriptionTenant}: give -TenantId {subscriptionTenant}, or leave -TenantId out to let the module find it, or bring a token that tenant issued.");
            }

            reporter.Verbose($"Signed in as {account} in tenant {tenant}.");
            return new AzureSession(environment, credential, tenant, account, retries);
        }

        /// <summary>Refuses supplied tokens that are expired or for the wrong service (throws HciException).</summary>
        public static void CheckSuppliedTokens(HciEnvironment environment, SignInRequest request) =>
            _ = new SuppliedTokens(environment, request.ArmAccessToken!, request.GraphAccessToken, DateTimeOffset.UtcNow);

        internal static TokenCredential CreateCredential(HciEnvironment environment, SignInRequest request, IOperationReporter reporter, SdkRetryPolicy retries)
        {
            T Configure<T>(T options) where T : TokenCredentialOptions
            {
                options.AuthorityHost = environment.ActiveDirectoryAuthority;
                return retries.Apply(options);
            }

            // Instance discovery asks the public cloud about the authority; custom clouds are not known there.
            var noDiscovery = !environment.IsBuiltIn;
            if (!string.IsNullOrEmpty(request.ArmAccessToken))
            {
                return new SuppliedTokens(environment, request.ArmAccessToken!, request.GraphAccessToken, DateTimeOffset.UtcNow);
            }

            if (request.UseManagedIdentity)
            {
                var id = string.IsNullOrEmpty(request.ClientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(request.ClientId);
                return new ManagedIdentityCredential(Configure(new ManagedIdentityCredentialOptions(id)));
            }

            if (!string.IsNullOrEmpty(request.ClientId) && !string.IsNullOrEmpty(request.ClientSecret))
            {
                return new ClientSecretCredential(RequireTenant(request), request.ClientId, request.ClientSecret,
                    Configure(new ClientSecretCredentialOptions { DisableInstanceDiscovery = noDiscovery }));
            }

            if (!string.IsNullOrEmpty(request.ClientId) && !string.IsNullOrEmpty(request.CertificatePath))
            {
                return new ClientCertificateCredential(RequireTenant(request), request.ClientId, request.CertificatePath,
                    Configure(new ClientCertificateCredentialOptions { DisableInstanceDiscovery = noDiscovery, SendCertificateChain = false }));
            }

            return new DeviceCodeCredential(Configure(new DeviceCodeCredentialOptions
            {
                TenantId = request.TenantId,
                DisableInstanceDiscovery = noDiscovery,
                DeviceCodeCallback = (info, _) =>
                {
                    reporter.Warning(info.Message);
                    return Task.CompletedTask;
                },
            }));
        }

        private static string RequireTenant(SignInRequest request) =>
            string.IsNullOrEmpty(request.TenantId)
                ? throw new HciException("TenantIdRequired", HciErrorCategory.InvalidArgument, "TenantId",
                    "A service principal signs in to one tenant: give -TenantId.")
                : request.TenantId!;
    }
}
