using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Workflows.Registration;

namespace Az.StackHCI.Core.Workflows.Unregistration
{
    /// <summary>
    /// Unregistration: read what there is (nodes and cloud), ask once for the whole list, then remove it in an order
    /// that never strands state. A failure once removals began ends in Result Failed with what to run to finish;
    /// running again continues from wherever it stopped.
    /// </summary>
    public sealed class UnregisterWorkflow
    {
        internal const string Activity = "Unregistering Azure Stack HCI from Azure...";
        internal const string Success = "Azure Stack HCI is successfully unregistered. The Azure resource representing Azure Stack HCI has been deleted. Azure Stack HCI can't sync with Azure until you register again.";
        internal const string ArcOnlySuccess = "Azure Arc integration is disabled and cleaned up. The cluster stays registered with Azure.";
        internal const string InfoNotFound = "Additional parameters are required to unregister. Run 'Get-Help Unregister-AzStackHCI -Full' for more information.";

        private static readonly LoggedRunNames Names = new LoggedRunNames
        {
            Command = "Unregister-AzStackHCI", LogPrefix = "UnregisterHCI", Activity = Activity, Outcome = "Unregistration",
        };

        private readonly INodeConnector _connector;
        private readonly IOperationReporter _reporter;
        private readonly EnvironmentCatalog _environments;

        public UnregisterWorkflow(INodeConnector connector, IOperationReporter reporter, EnvironmentCatalog? environments = null)
        {
            _connector = connector;
            _reporter = reporter;
            _environments = environments ?? new EnvironmentCatalog();
        }

        public async Task<UnregistrationResult> RunAsync(UnregistrationRequest request, CancellationToken cancellationToken)
        {
            CommonInput.SubscriptionId(request.SubscriptionId);
            CommonInput.ResourceGroupName(request.ResourceGroupName);
            CommonInput.ResourceName(request.ResourceName);
            CommonInput.ThrottleLimit(request.ThrottleLimit);
            var environment = CommonInput.Environment(request.EnvironmentName, _environments);
            CommonInput.SignIn(environment, request.SignIn, "Unregistration deletes the cluster's Azure AD applications through Microsoft Graph");

            var asked = $"SubscriptionId: {request.SubscriptionId} ResourceName: {request.ResourceName} ResourceGroupName: {request.ResourceGroupName} " +
                $"EnvironmentName: {request.EnvironmentName} ComputerName: {request.ComputerName} DisableOnlyAzureArcServer: {request.DisableOnlyAzureArcServer} Force: {request.Force} CloudOnly: {request.CloudOnly}";
            return await LoggedRun.RunAsync<UnregistrationResult, UnregistrationStep>(Names, request.LogsDirectory, request.DefaultLogsDirectory, _reporter, asked,
                (log, progress) => request.CloudOnly
                    ? RunCloudOnlyAsync(request, environment, log, progress, cancellationToken)
                    : RunAsync(request, environment, log, progress, cancellationToken),
                result => $"{result.Result}. {result.Details}").ConfigureAwait(false);
        }

        private async Task<UnregistrationResult> RunAsync(UnregistrationRequest request, HciEnvironment environment, IOperationReporter reporter, StepProgress<UnregistrationStep> progress, CancellationToken cancellationToken)
        {
            progress.Step(UnregistrationStep.SignInAndSessions, "Checking the cluster, then logging in to Azure while opening sessions to every node");
            var (cluster, session, (nodeState, target)) = await ClusterAndSignIn.OpenAsync(_connector, request.ComputerName ?? "localhost", request.ThrottleLimit, reporter,
                async (entry, info, token) =>
                {
                    var state = await NodeCommands.GetAzureStackHCIAsync(entry, token).ConfigureAwait(false);
                    return (state, ResolveTarget(request, info, state));
                },
                token => AzureSignIn.SignInAsync(environment, request.SignIn, reporter, token, request.SubscriptionId),
                cancellationToken).ConfigureAwait(false);
            using var _ = cluster;
            return await RemoveAsync(new UnregistrationContext(request, session, cluster, target, reporter, progress), nodeState, cluster.Cluster.Name, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// The cloud side alone, for a cluster whose nodes were re-imaged or are gone: the names must be given, and a
        /// node that answers and still holds this registration refuses it (its registration would be orphaned).
        /// </summary>
        private async Task<UnregistrationResult> RunCloudOnlyAsync(UnregistrationRequest request, HciEnvironment environment, IOperationReporter reporter, StepProgress<UnregistrationStep> progress, CancellationToken cancellationToken)
        {
            if (request.SubscriptionId is null || request.ResourceName is null)
            {
                throw new HciException("RegistrationInfoNotFound", HciErrorCategory.InvalidArgument, "CloudOnly",
                    $"{InfoNotFound} -CloudOnly does not ask the nodes, so give -SubscriptionId and -ResourceName (and -ResourceGroupName when it is not '<ResourceName>-rg').");
            }

            var target = new RegistrationTarget(request.SubscriptionId, request.ResourceGroupName ?? request.ResourceName + "-rg", request.ResourceName);
            progress.Step(UnregistrationStep.SignInAndSessions, "Checking that the nodes no longer hold the registration, while logging in to Azure");
            var nodeCheck = request.ComputerName is { Length: > 0 } node ? RefuseIfNodeHoldsAsync(node, target, reporter, cancellationToken) : Task.CompletedTask;
            var signIn = AzureSignIn.SignInAsync(environment, request.SignIn, reporter, cancellationToken, request.SubscriptionId);
            await Task.WhenAll(nodeCheck, signIn).ConfigureAwait(false);
            var context = new UnregistrationContext(request, await signIn.ConfigureAwait(false), null, target, reporter, progress);
            return await RemoveAsync(context, new NodeRegistration(), target.ResourceName, cancellationToken).ConfigureAwait(false);
        }

        private async Task RefuseIfNodeHoldsAsync(string computerName, RegistrationTarget target, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            INodeSession session;
            try
            {
                session = await _connector.ConnectAsync(computerName, cancellationToken).ConfigureAwait(false);
            }
            catch (NodeUnreachableException ex)
            {
                reporter.Verbose($"{computerName} does not answer ({ex.Reason}); only the cloud side is removed.");
                return;
            }

            using (session)
            {
                NodeRegistration state;
                try
                {
                    state = await NodeCommands.GetAzureStackHCIAsync(session, cancellationToken).ConfigureAwait(false);
                }
                catch (NodeCommandException ex)
                {
                    // A re-imaged machine may lack the registration commands altogether: it holds no registration.
                    reporter.Verbose($"{computerName} answers but cannot say it is registered ({ex.Message}); only the cloud side is removed.");
                    return;
                }

                if (state.IsRegistered && string.Equals(state.AzureResourceUri?.TrimEnd('/'), target.ResourceId, StringComparison.OrdinalIgnoreCase))
                {
                    throw new HciException("NodesStillRegistered", HciErrorCategory.InvalidOperation, computerName,
                        $"{computerName} answers and is still registered as {target.ResourceId}. Nothing was changed. -CloudOnly is for clusters whose nodes are gone or re-imaged; " +
                        "run Unregister-AzStackHCI without -CloudOnly, so that the nodes forget the registration too.");
                }

                reporter.Verbose($"{computerName} answers but does not hold this registration; only the cloud side is removed.");
            }
        }

        /// <summary>Reads what there is, asks once for the whole list, then removes it (Arc, then the registration).</summary>
        private static async Task<UnregistrationResult> RemoveAsync(UnregistrationContext context, NodeRegistration nodeState, string clusterName, CancellationToken cancellationToken)
        {
            var (request, target, reporter) = (context.Request, context.Target, context.Reporter);
            context.Progress.Step(UnregistrationStep.Survey, "Reading what there is to remove");
            var survey = await UnregistrationSurvey.ReadAsync(context, nodeState, cancellationToken).ConfigureAwait(false);
            var plan = survey.Plan(context);
            var result = new UnregistrationResult { AzureResourceId = target.ResourceId };
            var description = $"Unregister cluster {clusterName} from Azure ({target.ResourceId}):" + string.Concat(plan.Select(p => Environment.NewLine + "  - " + p));
            if (!await reporter.ConfirmAsync(description, $"Unregister cluster {clusterName} from Azure and make these {plan.Count} removal(s)?{Environment.NewLine}{description}", cancellationToken).ConfigureAwait(false))
            {
                result.Result = UnregistrationStatus.Cancelled;
                result.Details = "Nothing was changed.";
                result.ChangesSkipped = true;
                return result;
            }

            var steps = new UnregistrationSteps(context, survey);
            try
            {
                var arcFailed = await steps.RemoveArcAsync(cancellationToken).ConfigureAwait(false);
                if (request.DisableOnlyAzureArcServer)
                {
                    result.Result = UnregistrationStatus.Success;
                    result.Details = ArcOnlySuccess;
                    result.Nodes.AddRange((context.Cluster?.Members ?? Array.Empty<string>()).Select(m => new NodeResult(m, arcFailed.Contains(m, StringComparer.OrdinalIgnoreCase) ? "ArcNotDisabled" : "ArcDisabled")));
                    return result;
                }

                result.Nodes.AddRange(await steps.RemoveRegistrationAsync(cancellationToken).ConfigureAwait(false));
                result.Result = UnregistrationStatus.Success;
                result.Details = Success;
                return result;
            }
            catch (Exception failure) when (NodeFailures.AsHci(failure) is HciException ex)
            {
                var rerun = $"Unregister-AzStackHCI -SubscriptionId {target.SubscriptionId} -ResourceGroupName {target.ResourceGroup} -ResourceName {target.ResourceName}" +
                    (request.ComputerName is { Length: > 0 } node ? $" -ComputerName {node}" : "") +
                    (request.EnvironmentName == BuiltInEnvironments.AzureCloud ? "" : $" -EnvironmentName {request.EnvironmentName}") +
                    (request.DisableOnlyAzureArcServer ? " -DisableOnlyAzureArcServer" : "") + (request.Force ? " -Force" : "") + (request.CloudOnly ? " -CloudOnly" : "") +
                    ", signing in as before";
                result.Result = UnregistrationStatus.Failed;
                result.Details = $"{ex.Message} To finish, fix the cause and run: {rerun}";
                result.Error = new HciException(ex.ErrorId, ex.Category, ex.Target, result.Details, ex);
                reporter.Warning(result.Details);
                return result;
            }
        }

        /// <summary>
        /// Subscription, group and name: given, else from the nodes' registration (9115 when neither has them). Values
        /// that contradict the registration are refused: the nodes would be unregistered from another resource.
        /// </summary>
        internal static RegistrationTarget ResolveTarget(UnregistrationRequest request, ClusterInfo cluster, NodeRegistration state)
        {
            var registered = state.IsRegistered ? ResourceIds.ParseCluster(state.AzureResourceUri) : null;
            var subscription = request.SubscriptionId ?? registered?.SubscriptionId;
            var name = request.ResourceName ?? registered?.Name;
            if (subscription is null || name is null)
            {
                throw new HciException("RegistrationInfoNotFound", HciErrorCategory.InvalidArgument, cluster.Name,
                    $"{InfoNotFound} Cluster {cluster.Name} is not registered on its nodes, so give -SubscriptionId and -ResourceName (and -ResourceGroupName when it is not '<ResourceName>-rg').");
            }

            var group = request.ResourceGroupName ?? registered?.ResourceGroup ?? name + "-rg";
            if (registered is { } r)
            {
                var given = ResourceIds.Cluster(subscription, group, name);
                var actual = ResourceIds.Cluster(r.SubscriptionId, r.ResourceGroup, r.Name);
                if (!string.Equals(given, actual, StringComparison.OrdinalIgnoreCase))
                {
                    throw new HciException("RegistrationMismatch", HciErrorCategory.InvalidArgument, given,
                        $"Cluster {cluster.Name} is registered as {actual}, not {given}. Leave out -SubscriptionId, -ResourceGroupName and -ResourceName to unregister it, or give those values.");
                }
            }

            return new RegistrationTarget(subscription, group, name);
        }
    }
}
