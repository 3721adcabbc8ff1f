using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Workflows.Registration
{
    /// <summary>
    /// The whole registration (seed order): pre-flight on nodes and in the cloud before any change, then each step
    /// reads first and changes only what differs, so a re-run after any failure converges.
    /// </summary>
    public sealed class RegisterWorkflow
    {
        private static readonly LoggedRunNames Names = new LoggedRunNames
        {
            Command = "Register-AzStackHCI", LogPrefix = "RegisterHCI", Activity = RegistrationMessages.Activity, Outcome = "Registration",
        };

        private readonly INodeConnector _connector;
        private readonly IOperationReporter _reporter;
        private readonly EnvironmentCatalog _environments;

        public RegisterWorkflow(INodeConnector connector, IOperationReporter reporter, EnvironmentCatalog? environments = null)
        {
            _connector = connector;
            _reporter = reporter;
            _environments = environments ?? new EnvironmentCatalog();
        }

        public async Task<RegistrationResult> RunAsync(RegistrationRequest request, CancellationToken cancellationToken)
        {
            var environment = RegistrationInput.Validate(request, _environments);
            return await LoggedRun.RunAsync<RegistrationResult, RegistrationStep>(Names, request.LogsDirectory, request.DefaultLogsDirectory, _reporter, Describe(request),
                (log, progress) => RunAsync(request, environment, log, progress, cancellationToken),
                result => $"{result.Result}. {result.Details} Resource: {result.AzureResourceId}").ConfigureAwait(false);
        }

        private async Task<RegistrationResult> RunAsync(RegistrationRequest request, HciEnvironment environment, IOperationReporter reporter,
            StepProgress<RegistrationStep> progress, CancellationToken cancellationToken)
        {
            progress.Step(RegistrationStep.SignInAndSessions, "Checking the cluster, then logging in to Azure while opening sessions to every node");
            var (cluster, session, (nodeState, target)) = await ClusterAndSignIn.OpenAsync(_connector, request.ComputerName, request.ThrottleLimit, reporter,
                async (entry, info, token) =>
                {
                    var state = await NodeCommands.GetAzureStackHCIAsync(entry, token).ConfigureAwait(false);
                    return (state, RegistrationInput.ResolveTarget(request, info, state));
                },
                token => AzureSignIn.SignInAsync(environment, request.SignIn, reporter, token, request.SubscriptionId),
                cancellationToken).ConfigureAwait(false);
            using var _ = cluster;
            var context = new RegistrationContext(request, environment, session, cluster, target, reporter);

            progress.Step(RegistrationStep.Preflight, "Validating the parameters and checking registration information");
            // Both only read: the nodes' clocks are asked while the cloud is.
            var clocks = NodeClock.CheckAsync(cluster.Nodes, request.ThrottleLimit, cancellationToken);
            var cloud = CloudPreflight.CheckAsync(context, nodeState, cancellationToken);
            await Task.WhenAll(clocks, cloud).ConfigureAwait(false);
            var plan = await cloud.ConfigureAwait(false);
            if (!plan.AlreadyRegistered)
            {
                await CertificateSteps.CheckUserCertificateAsync(context, cancellationToken).ConfigureAwait(false);
            }
            var arcPlan = request.EnableAzureArcServer ? await ArcPreflight.CheckAsync(context, plan, cancellationToken).ConfigureAwait(false) : null;
            RegistrationResult result;
            if (plan.AlreadyRegistered)
            {
                reporter.Verbose($"The cluster is already registered as {target.ResourceId}; only Arc integration is checked.");
                result = context.Result(RegistrationStatus.Success, RegistrationMessages.Success, await NodeStates.ReadAsync(context, cancellationToken).ConfigureAwait(false));
            }
            else
            {
                result = await new RegistrationSteps(context, plan, progress).RunAsync(cancellationToken).ConfigureAwait(false);
            }

            result.IdentityFlow = plan.Flow;
            // Re-running Register is how Arc gets (re)enabled on a registered cluster, as the seed describes.
            var registered = result.Result == RegistrationStatus.Success || result.ChangesSkipped;
            return arcPlan is null || !registered
                ? result
                : await new ArcSteps(context, arcPlan, progress, plan.Region, plan.Flow).RunAsync(result, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The request for the log: names and choices, never a secret.</summary>
        private static string Describe(RegistrationRequest request)
        {
            var signIn = request.SignIn;
            var method = signIn.ArmAccessToken is not null ? "access token"
                : signIn.ClientSecret is not null ? $"service principal {signIn.ClientId} (secret)"
                : signIn.CertificatePath is not null ? $"service principal {signIn.ClientId} (certificate)"
                : signIn.UseManagedIdentity ? "managed identity"
                : "device code";
            return $"SubscriptionId: {request.SubscriptionId} Region: {request.Region} ResourceName: {request.ResourceName} ResourceGroupName: {request.ResourceGroupName} " +
                $"EnvironmentName: {request.EnvironmentName} ComputerName: {request.ComputerName} RepairRegistration: {request.RepairRegistration} " +
                $"EnableAzureArcServer: {request.EnableAzureArcServer} UseOwnApplication: {request.UseOwnApplication} Tenant: {signIn.TenantId} SignIn: {method}";
        }
    }
}
