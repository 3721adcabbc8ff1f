using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Core.Logging;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Workflows
{
    /// <summary>Connect-AzStackHCI: signs in ahead of time, anew, and keeps the sign-in for the PowerShell session.</summary>
    public sealed class ConnectWorkflow
    {
        private readonly IOperationReporter _reporter;
        private readonly EnvironmentCatalog _environments;

        public ConnectWorkflow(IOperationReporter reporter, EnvironmentCatalog? environments = null)
        {
            _reporter = reporter;
            _environments = environments ?? new EnvironmentCatalog();
        }

        /// <summary>With a subscription, the sign-in is to the tenant that owns it (when no tenant is given).</summary>
        public async Task<SignInContext> RunAsync(string environmentName, SignInRequest request, string? subscriptionId, CancellationToken cancellationToken)
        {
            var environment = CommonInput.Environment(environmentName, _environments);
            CommonInput.SignIn(environment, request, "Registering and unregistering clusters use Microsoft Graph");
            if (subscriptionId is not null)
            {
                CommonInput.SubscriptionId(subscriptionId);
            }

            request.Fresh = true;
            using var httpTrace = HttpTrace.To(_reporter);
            var session = await AzureSignIn.SignInAsync(environment, request, _reporter, cancellationToken, subscriptionId).ConfigureAwait(false);
            return new SignInContext(session.Identity);
        }
    }
}
