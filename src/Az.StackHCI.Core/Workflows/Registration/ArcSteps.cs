using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Cloud;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Resilience;

namespace Az.StackHCI.Core.Workflows.Registration
{
    /// <summary>
    /// Azure Arc for every node of a registered cluster: providers, the Arc resource group, the onboarding identity
    /// and its two roles on that group (only there), arcSettings, then the nodes themselves — all at once — and a
    /// check that every node shows Connected. A failure here leaves the registration standing and says so.
    /// </summary>
    internal sealed class ArcSteps
    {
        private const string SecretName = "Az.StackHCI Arc onboarding";
        private const string PermissionsMissing = "Failed to assign required roles for Azure Arc integration. Your Azure AD account must be an Owner or User Access Administrator in the subscription to enable Azure Arc integration.";

        private readonly RegistrationContext _context;
        private readonly ArcPlan _plan;
        private readonly StepProgress _progress;
        private readonly string _region;
        private bool _declined;

        /// <param name="declined">A registration change was declined already: Arc changes are only announced.</param>
        public ArcSteps(RegistrationContext context, ArcPlan plan, StepProgress progress, string region, bool declined)
        {
            _context = context;
            _plan = plan;
            _progress = progress;
            _region = region;
            _declined = declined;
        }

        private RegistrationTarget Target => _context.Target;

        private string GroupScope => ResourceIds.ResourceGroup(Target.SubscriptionId, _plan.ResourceGroup);

        public async Task<RegistrationResult> RunAsync(RegistrationResult registered, CancellationToken cancellationToken)
        {
            var reporter = _context.Reporter;
            if (AllConnected(_plan.ArcSettings) && string.Equals(_plan.ArcSettings?["properties"]?["arcInstanceResourceGroup"]?.GetValue<string>(), _plan.ResourceGroup, StringComparison.OrdinalIgnoreCase))
            {
                reporter.Verbose("Azure Arc integration is in place on every node; nothing to change.");
                return registered;
            }

            _progress.Step("Registering Microsoft.HybridCompute and Microsoft.GuestConfiguration resource providers to subscription", 96);
            foreach (var provider in Providers())
            {
                // Microsoft.HybridCompute was read moments ago by the pre-flight.
                var providerRegistered = provider == "Microsoft.HybridCompute"
                    ? _plan.HybridComputeRegistered
                    : (await _context.Arm.GetProviderAsync(Target.SubscriptionId, provider, cancellationToken).ConfigureAwait(false)).IsRegistered;
                if (!providerRegistered && await Change(ResourceIds.Subscription(Target.SubscriptionId), $"Register the resource provider {provider}").ConfigureAwait(false))
                {
                    await _context.Arm.RegisterProviderAsync(Target.SubscriptionId, provider, cancellationToken).ConfigureAwait(false);
                }
            }

            if (_plan.CreateResourceGroup && await Change(GroupScope, $"Create the resource group for the Arc machines in {_region}").ConfigureAwait(false))
            {
                await _context.Arm.CreateResourceGroupAsync(Target.SubscriptionId, _plan.ResourceGroup, _region,
                    new Dictionary<string, string> { [ResourceIds.CreatedByTag] = ResourceIds.CreatedByValue }, cancellationToken).ConfigureAwait(false);
            }

            if (_plan.PermissionsMissing && !_declined)
            {
                reporter.Warning(PermissionsMissing);
                return Failed(registered, "ArcPermissionsMissing", PermissionsMissing);
            }

            _progress.Step("Creating AAD application for onboarding ARC", 97);
            var identity = await EnsureIdentityAsync(cancellationToken).ConfigureAwait(false);
            if (identity is null)
            {
                await Change(GroupScope, "Assign Azure Connected Machine Onboarding and Resource Administrator to the Arc onboarding identity").ConfigureAwait(false);
                await Change(Target.ResourceId + "/arcSettings/default", $"Create arcSettings with the Arc resource group {_plan.ResourceGroup}").ConfigureAwait(false);
                await Change(string.Join(", ", _context.Cluster.Members), "Enable Azure Arc integration on every node").ConfigureAwait(false);
                registered.ChangesSkipped = registered.ChangesSkipped || _declined;
                return registered;
            }

            try
            {
                await AssignRolesAsync(identity.Value.PrincipalId, cancellationToken).ConfigureAwait(false);
            }
            catch (HciException ex) when (ex.Category == HciErrorCategory.PermissionDenied)
            {
                reporter.Warning(PermissionsMissing);
                return Failed(registered, "ArcPermissionsMissing", PermissionsMissing);
            }

            await EnsureArcSettingsAsync(cancellationToken).ConfigureAwait(false);
            if (_declined || !await Change(string.Join(", ", _context.Cluster.Members), "Enable Azure Arc integration on every node").ConfigureAwait(false))
            {
                registered.ChangesSkipped = true;
                return registered;
            }

            _progress.Step("Enabling Azure Arc integration on every clustered node", 98);
            var nodes = new ArcNodeEnablement(_context, _progress);
            var failed = await EnableOnNodesAsync(nodes, identity.Value.AppId, identity.Value.Secret, cancellationToken).ConfigureAwait(false);
            _progress.Step("Verifying Azure Arc for Servers registration", 99);
            var notConnected = await nodes.VerifyAsync(_context.Cluster.Members.Except(failed, StringComparer.OrdinalIgnoreCase).ToList(), cancellationToken).ConfigureAwait(false);
            var problems = failed.Union(notConnected, StringComparer.OrdinalIgnoreCase).ToList();
            if (problems.Count > 0)
            {
                var message = $"Some clustered nodes couldn't be Arc-enabled right now: {string.Join(", ", problems)}. Run Register-AzStackHCI again to finish them.";
                reporter.Warning(message);
                return Failed(registered, "ArcIntegrationFailedOnNodes", message);
            }

            return registered;
        }

        private IEnumerable<string> Providers()
        {
            yield return "Microsoft.HybridCompute";
            yield return "Microsoft.GuestConfiguration";
            if (_context.Environment.Name == Environments.BuiltInEnvironments.AzureCloud || _context.Environment.Name == Environments.BuiltInEnvironments.AzureCanary)
            {
                yield return "Microsoft.HybridConnectivity";
            }
        }

        /// <summary>The user's -ArcSpnCredential, or the app "&lt;ResourceName&gt;.arc" (found again on re-runs) with a fresh secret.</summary>
        private async Task<(string AppId, string PrincipalId, string Secret)?> EnsureIdentityAsync(CancellationToken cancellationToken)
        {
            var graph = _context.Graph;
            var request = _context.Request;
            if (request.ArcSpnAppId is string givenAppId && request.ArcSpnSecret is string givenSecret)
            {
                var principal = await graph.FindServicePrincipalIdAsync(givenAppId, cancellationToken).ConfigureAwait(false)
                    ?? throw new HciException("ArcServicePrincipalNotFound", HciErrorCategory.ObjectNotFound, givenAppId,
                        $"The directory has no service principal for the -ArcSpnCredential application {givenAppId}. Create it, or leave -ArcSpnCredential out to let the module create one.");
                return (givenAppId, principal, givenSecret);
            }

            var name = ClusterIdentities.ArcAppName(Target.ResourceName);
            var tag = ClusterIdentities.ArcAppTag(Target.ResourceId);
            var application = await graph.FindApplicationByNameAsync(name, tag, cancellationToken).ConfigureAwait(false);
            if (application is null)
            {
                if (!await Change(name, "Create the Azure AD application for Arc onboarding").ConfigureAwait(false))
                {
                    return null;
                }

                application = await graph.CreateApplicationAsync(name, null, Array.Empty<Guid>(), tag, cancellationToken).ConfigureAwait(false);
            }

            var principalId = await graph.FindServicePrincipalIdAsync(application.AppId, cancellationToken).ConfigureAwait(false);
            if (principalId is null)
            {
                if (!await Change(application.AppId, "Create the service principal of the Arc onboarding application").ConfigureAwait(false))
                {
                    return null;
                }

                principalId = await graph.CreateServicePrincipalAsync(application.AppId, cancellationToken).ConfigureAwait(false);
            }

            if (!await Change(application.AppId, "Create a new client secret for Arc onboarding (it goes only to the nodes)").ConfigureAwait(false))
            {
                return null;
            }

            var (_, secret) = await graph.ReplacePasswordAsync(application.ObjectId, SecretName, cancellationToken).ConfigureAwait(false);
            return (application.AppId, principalId, secret);
        }

        /// <summary>The two Connected Machine roles on the Arc resource group only, riding out directory replication.</summary>
        private async Task AssignRolesAsync(string principalId, CancellationToken cancellationToken)
        {
            if (!await Change(GroupScope, "Assign Azure Connected Machine Onboarding and Resource Administrator to the Arc onboarding identity").ConfigureAwait(false))
            {
                return;
            }

            foreach (var role in ClusterIdentities.ArcRoles)
            {
                await Polling.RetryAsync(
                    token => _context.Arm.AssignRoleAsync(GroupScope, role, principalId, "ServicePrincipal", token),
                    ex => ex is HciException h && h.ErrorId == "PrincipalNotFound",
                    (attempt, _) => _context.Reporter.Verbose($"The Arc onboarding identity has not replicated to Azure yet; retry {attempt}."),
                    cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task EnsureArcSettingsAsync(CancellationToken cancellationToken)
        {
            var current = _plan.ArcSettings?["properties"]?["arcInstanceResourceGroup"]?.GetValue<string>();
            if (string.Equals(current, _plan.ResourceGroup, StringComparison.OrdinalIgnoreCase)
                || !await Change(Target.ResourceId + "/arcSettings/default", $"Create arcSettings with the Arc resource group {_plan.ResourceGroup}").ConfigureAwait(false))
            {
                return;
            }

            var body = new JsonObject { ["properties"] = new JsonObject { ["arcInstanceResourceGroup"] = _plan.ResourceGroup } };
            await _context.Arm.PutResourceAsync(Target.ResourceId + "/arcSettings/default", ApiVersions.ArcSettings, body, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Initialize through the entry node, then enable on every node at once (ArcNodeEnablement); returns the nodes that failed.</summary>
        private async Task<IReadOnlyList<string>> EnableOnNodesAsync(ArcNodeEnablement nodes, string appId, string secret, CancellationToken cancellationToken)
        {
            var initialize = new Dictionary<string, object?>
            {
                ["TenantId"] = _context.TenantId,
                ["SubscriptionId"] = Target.SubscriptionId,
                ["Region"] = _region,
                ["ResourceGroup"] = _plan.ResourceGroup,
                ["AppId"] = appId,
                ["Secret"] = secret,
                ["Cloud"] = _context.Environment.Name == Environments.BuiltInEnvironments.AzureCanary ? Environments.BuiltInEnvironments.AzureCloud : _context.Environment.Name,
            };
            try
            {
                await NodeCommands.InitializeArcIntegrationAsync(_context.Cluster.Entry, initialize, cancellationToken).ConfigureAwait(false);
            }
            catch (NodeCommandException ex)
            {
                _context.Reporter.Warning($"{_context.Cluster.Entry.ComputerName}: {ex.Message}");
                return _context.Cluster.Members;
            }

            return await nodes.EnableAsync(cancellationToken).ConfigureAwait(false);
        }

        private bool AllConnected(JsonObject? settings) => _context.Cluster.Members.All(ArcNodeEnablement.ConnectedNodes(settings).Contains);

        private RegistrationResult Failed(RegistrationResult registered, string errorDetail, string message)
        {
            registered.Result = RegistrationStatus.RegisterSucceededButArcFailed;
            registered.ErrorDetail = errorDetail;
            registered.Details = RegistrationMessages.Success + " " + message;
            return registered;
        }

        private async Task<bool> Change(string target, string action)
        {
            var allowed = await _context.Reporter.ShouldProcessAsync(target, action, CancellationToken.None).ConfigureAwait(false);
            _declined |= !allowed;
            return allowed && !_declined;
        }
    }
}
