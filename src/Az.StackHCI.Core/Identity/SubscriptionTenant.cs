using System;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Resilience;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;

namespace Az.StackHCI.Core.Identity
{
    /// <summary>
    /// The tenant that owns a subscription, asked of ARM itself: a request without a token is answered 401 with
    /// <c>WWW-Authenticate: Bearer authorization_uri="https://login.microsoftonline.com/{tenant}"</c> naming the subscription's tenant
    /// (wire protocols §1.8; how Az.Accounts' <c>Connect-AzAccount -SubscriptionId</c> lands in the right tenant).
    /// So a B2B guest, a CSP or a Lighthouse user signs in where the subscription lives without naming it.
    /// </summary>
    internal static class SubscriptionTenant
    {
        private static readonly Regex AuthorizationUri = new Regex("authorization_uri=\"(?<uri>[^\"]+)\"", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>The subscription's tenant id, or null when ARM does not say (the caller then signs in as asked).</summary>
        public static async Task<string?> DiscoverAsync(HciEnvironment environment, string subscriptionId, SdkRetryPolicy retries, Action<string> verbose, CancellationToken cancellationToken)
        {
            var pipeline = HttpPipelineBuilder.Build(retries.Apply(new ArmClientOptions()));
            using var message = pipeline.CreateMessage();
            message.Request.Method = RequestMethod.Get;
            message.Request.Uri.Reset(environment.ResourceManagerEndpoint);
            message.Request.Uri.AppendPath($"subscriptions/{Uri.EscapeDataString(subscriptionId)}", escape: false);
            message.Request.Uri.AppendQuery("api-version", "2022-12-01");
            try
            {
                await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (NetworkFailures.Describe(ex, environment.ResourceManagerEndpoint.Host) is HciException unreachable)
            {
                // Nothing in Azure can be reached if its Resource Manager cannot; say so now rather than after a sign-in.
                throw unreachable;
            }
            catch (RequestFailedException ex)
            {
                verbose($"Could not ask Azure Resource Manager which tenant owns subscription {subscriptionId}: {ex.Message}");
                return null;
            }

            var tenant = message.Response.Status == 401 && message.Response.Headers.TryGetValue("WWW-Authenticate", out var challenge)
                ? TenantOf(challenge)
                : null;
            verbose(tenant is null
                ? $"Azure Resource Manager did not name the tenant of subscription {subscriptionId} ({message.Response.Status})."
                : $"Subscription {subscriptionId} belongs to tenant {tenant}.");
            return tenant;
        }

        /// <summary>The tenant id at the end of the challenge's authorization_uri.</summary>
        internal static string? TenantOf(string challenge)
        {
            var match = AuthorizationUri.Match(challenge);
            if (!match.Success || !Uri.TryCreate(match.Groups["uri"].Value, UriKind.Absolute, out var uri))
            {
                return null;
            }

            var last = uri.AbsolutePath.Trim('/').Split('/').LastOrDefault();
            return Guid.TryParse(last, out var id) ? id.ToString() : null;
        }
    }
}
