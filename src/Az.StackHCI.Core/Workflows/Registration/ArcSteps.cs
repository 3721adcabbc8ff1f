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
    /// Azure Arc for every node of a registered cluster: providers, the Arc resource group, arcSettings, the
    /// onboarding identity (the provider's or the user's own, as the cluster's) with its two roles on that group (only
    /// there) and the provider's role there, the default extensions on 22H2, then the nodes themselves — all at once —
    /// and a check that every node shows Connected. A failure here leaves the registration standing and says so.
    /// </summary>
    internal sealed class ArcSteps
    {
        private const string SecretName = "Az.StackHCI Arc onboarding";

        private const string PermissionsMissing = "Failed to assign required roles for Azure Arc integration. Your Azure AD account must be an Owner or User Access Administrator in the subscription to enable Azure Arc integration.";

        /// <summary>
        /// The Arc onboarding secret's lifetime (the seed's flow; Graph's default is 2 years, Microsoft's 1.1 asked for
        /// 300): one year, and any Register-AzStackHCI in its last 60 days renews it, so nodes added later still onboard.
        /// </summary>
        internal static readonly TimeSpan SecretLifetime = TimeSpan.FromDays(365);

        internal static readonly TimeSpan SecretRenewal = TimeSpan.FromDays(60);

        private readonly RegistrationContext _context;
        private readonly ArcPlan _plan;
        private readonly StepProgress<RegistrationStep> _progress;
        private readonly string _region;
        private readonly IdentityFlow _flow;

        public ArcSteps(RegistrationContext context, ArcPlan plan, StepProgress<RegistrationStep> progress, string region, IdentityFlow flow)
        {
            _context = context;
            _plan = plan;
            _progress = progress;
            _region = region;
            _flow = flow;
        }

        private RegistrationTarget Target => _context.Target;

        private string GroupScope => ResourceIds.ResourceGroup(Target.SubscriptionId, _plan.ResourceGroup);

        private string SettingsId => Target.ResourceId + "/arcSettings/default";

        /// <summary>Windows Server 2022 / Azure Stack HCI 22H2: from this build on, Arc's default extensions are consented and installed.</summary>
        internal const int DefaultExtensionsBuild = 20349;

        private const string DefaultExtensionsAction = "Consent to and install Azure Arc's default extensions (consentAndInstallDefaultExtensions)";

        public async Task<RegistrationResult> RunAsync(RegistrationResult registered, CancellationToken cancellationToken)
        {
            var reporter = _context.Reporter;
            if (AllConnected(_plan.ArcSettings) && string.Equals(_plan.ArcSettings?["properties"]?["arcInstanceResourceGroup"]?.GetValue<string>(), _plan.ResourceGroup, StringComparison.OrdinalIgnoreCase))
            {
                var expires = await SecretExpiryAsync(cancellationToken).ConfigureAwait(false);
                if (expires is null || expires > DateTimeOffset.UtcNow + SecretRenewal)
                {
                    reporter.Verbose("Azure Arc integration is in place on every node; nothing to change.");
                    return registered;
                }

                // The cluster onboards nodes added later with this secret: renewed before it expires.
                reporter.Verbose($"The Arc onboarding secret expires on {expires:yyyy-MM-dd}; it is renewed now.");
            }

            _progress.Step(RegistrationStep.ArcProviders, "Registering Microsoft.HybridCompute and Microsoft.GuestConfiguration resource providers to subscription");
            foreach (var provider in Providers())
            {
                // Microsoft.HybridCompute was read moments ago by the pre-flight.
                var providerRegistered = provider == "Microsoft.HybridCompute"
                    ? _plan.HybridComputeRegistered
                    : (await _context.Arm.GetProviderAsync(Target.SubscriptionId, provider, cancellationToken).ConfigureAwait(false)).IsRegistered;
                if (!providerRegistered && await _context.Changes.AllowAsync(ResourceIds.Subscription(Target.SubscriptionId), $"Register the resource provider {provider}", cancellationToken).ConfigureAwait(false))
                {
                    await _context.Arm.RegisterProviderAsync(Target.SubscriptionId, provider, cancellationToken).ConfigureAwait(false);
                }
            }

            if (_plan.CreateResourceGroup && await _context.Changes.AllowAsync(GroupScope, $"Create the resource group for the Arc machines in {_region}", cancellationToken).ConfigureAwait(false))
            {
                await _context.Arm.CreateResourceGroupAsync(Target.SubscriptionId, _plan.ResourceGroup, _region,
                    new Dictionary<string, string> { [ResourceIds.CreatedByTag] = ResourceIds.CreatedByValue }, cancellationToken).ConfigureAwait(false);
            }

            if (_plan.PermissionsMissing && !_context.Changes.Declined)
            {
                reporter.Warning(PermissionsMissing);
                return Failed(registered, "ArcPermissionsMissing", PermissionsMissing);
            }

            await EnsureArcSettingsAsync(cancellationToken).ConfigureAwait(false);
            _progress.Step(RegistrationStep.ArcIdentity, "Creating AAD application for onboarding ARC");
            var identity = await EnsureIdentityAsync(cancellationToken).ConfigureAwait(false);
            if (identity is null)
            {
                await _context.Changes.AllowAsync(GroupScope, "Assign Azure Connected Machine Onboarding and Resource Administrator to the Arc onboarding identity", cancellationToken).ConfigureAwait(false);
                await _context.Changes.AllowAsync(GroupScope, "Assign Azure Connected Machine Resource Manager to the Azure Stack HCI resource provider", cancellationToken).ConfigureAwait(false);
                await _context.Changes.AllowAsync(SettingsId, DefaultExtensionsAction + " on nodes of build 20349 (22H2) or later", cancellationToken).ConfigureAwait(false);
                await _context.Changes.AllowAsync(string.Join(", ", _context.Cluster.Members), "Enable Azure Arc integration on every node", cancellationToken).ConfigureAwait(false);
                registered.ChangesSkipped = registered.ChangesSkipped || _context.Changes.Declined;
                return registered;
            }

            try
            {
                await AssignRolesAsync(identity.Value.PrincipalId, cancellationToken).ConfigureAwait(false);
                await AssignProviderRoleAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HciException ex) when (ex.Category == HciErrorCategory.PermissionDenied)
            {
                reporter.Warning(PermissionsMissing);
                return Failed(registered, "ArcPermissionsMissing", PermissionsMissing);
            }

            await ConsentToDefaultExtensionsAsync(cancellationToken).ConfigureAwait(false);
            if (_context.Changes.Declined || !await _context.Changes.AllowAsync(string.Join(", ", _context.Cluster.Members), "Enable Azure Arc integration on every node", cancellationToken).ConfigureAwait(false))
            {
                registered.ChangesSkipped = true;
                return registered;
            }

            _progress.Step(RegistrationStep.ArcEnablement, "Enabling Azure Arc integration on every clustered node");
            var nodes = new ArcNodeEnablement(_context, _progress);
            var failed = await EnableOnNodesAsync(nodes, identity.Value.AppId, identity.Value.Secret, cancellationToken).ConfigureAwait(false);
            _progress.Step(RegistrationStep.ArcVerification, "Verifying Azure Arc for Servers registration");
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

        /// <summary>When the Arc identity's secret expires (the module's or the provider's; not a user's -ArcSpnCredential).</summary>
        private async Task<DateTimeOffset?> SecretExpiryAsync(CancellationToken cancellationToken)
        {
            if (_context.Request.ArcSpnAppId is not null)
            {
                return null;
            }

            var appId = ArcIdentity(_plan.ArcSettings)?.AppId
                ?? (await _context.Graph.FindApplicationByNameAsync(ClusterIdentities.ArcAppName(Target.ResourceName), ClusterIdentities.ArcAppTag(Target.ResourceId), cancellationToken).ConfigureAwait(false))?.AppId;
            return appId is null ? null : await _context.Graph.GetLatestSecretExpiryAsync(appId, cancellationToken).ConfigureAwait(false);
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

        /// <summary>
        /// The user's -ArcSpnCredential; else, as the cluster's identity, the provider's Arc identity or the app
        /// "&lt;ResourceName&gt;.arc" (found again on re-runs); with a fresh secret either way.
        /// </summary>
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

            return _flow == IdentityFlow.ServiceManaged
                ? await EnsureProviderIdentityAsync(cancellationToken).ConfigureAwait(false)
                : await EnsureOwnIdentityAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// MS 2.x Create-ArcSPN: the provider creates the Arc application (createArcIdentity, long-running) once and
        /// generates each secret (generatePassword); nothing is written to the directory by the user.
        /// </summary>
        private async Task<(string AppId, string PrincipalId, string Secret)?> EnsureProviderIdentityAsync(CancellationToken cancellationToken)
        {
            var arm = _context.Arm;
            if (_context.Changes.Declined)
            {
                await _context.Changes.AllowAsync(SettingsId, "Ask the Azure Stack HCI resource provider to create the Arc onboarding identity (createArcIdentity) and a client secret for it", cancellationToken).ConfigureAwait(false);
                return null;
            }

            var settings = await arm.GetResourceAsync(SettingsId, ApiVersions.ArcSettings, cancellationToken).ConfigureAwait(false);
            if (ArcIdentity(settings) is null)
            {
                if (!await _context.Changes.AllowAsync(SettingsId, "Ask the Azure Stack HCI resource provider to create the Arc onboarding identity (createArcIdentity)", cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                await arm.InvokeActionAsync(SettingsId, "createArcIdentity", ApiVersions.ArcSettings, null, _context.Reporter, cancellationToken).ConfigureAwait(false);
                settings = await arm.GetResourceAsync(SettingsId, ApiVersions.ArcSettings, cancellationToken).ConfigureAwait(false);
            }

            var (appId, principalId) = ArcIdentity(settings)
                ?? throw new HciException("ArcIdentityMissing", HciErrorCategory.InvalidResult, SettingsId,
                    $"The Azure Stack HCI resource provider created no Arc identity for {SettingsId}. The registration stands; run Register-AzStackHCI again to finish Arc.");
            if (!await _context.Changes.AllowAsync(appId, "Have the resource provider generate a new client secret for Arc onboarding (generatePassword; it goes only to the nodes)", cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var password = await arm.InvokeActionAsync(SettingsId, "generatePassword", ApiVersions.ArcSettings, null, _context.Reporter, cancellationToken).ConfigureAwait(false);
            var secret = password?["secretText"]?.GetValue<string>() is { Length: > 0 } text ? text
                : throw new HciException("ArcSecretMissing", HciErrorCategory.InvalidResult, SettingsId, $"The Azure Stack HCI resource provider returned no secret for the Arc identity {appId}. Run Register-AzStackHCI again to finish Arc.");
            return (appId, principalId, secret);
        }

        private static (string AppId, string PrincipalId)? ArcIdentity(JsonObject? settings)
        {
            var properties = settings?["properties"];
            return properties?["arcApplicationClientId"]?.GetValue<string>() is { Length: > 0 } appId
                && properties["arcServicePrincipalObjectId"]?.GetValue<string>() is { Length: > 0 } principalId
                ? (appId, principalId)
                : ((string, string)?)null;
        }

        /// <summary>The seed's flow: the user's own Arc onboarding application through Graph.</summary>
        private async Task<(string AppId, string PrincipalId, string Secret)?> EnsureOwnIdentityAsync(CancellationToken cancellationToken)
        {
            var graph = _context.Graph;
            var name = ClusterIdentities.ArcAppName(Target.ResourceName);
            var tag = ClusterIdentities.ArcAppTag(Target.ResourceId);
            var application = await graph.FindApplicationByNameAsync(name, tag, cancellationToken).ConfigureAwait(false);
            if (application is null)
            {
                if (!await _context.Changes.AllowAsync(name, "Create the Azure AD application for Arc onboarding", cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                application = await graph.CreateApplicationAsync(name, null, Array.Empty<Guid>(), tag, cancellationToken).ConfigureAwait(false);
            }

            var principalId = await graph.FindServicePrincipalIdAsync(application.AppId, cancellationToken).ConfigureAwait(false);
            if (principalId is null)
            {
                if (!await _context.Changes.AllowAsync(application.AppId, "Create the service principal of the Arc onboarding application", cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                principalId = await graph.CreateServicePrincipalAsync(application.AppId, cancellationToken).ConfigureAwait(false);
            }

            if (!await _context.Changes.AllowAsync(application.AppId, "Create a new client secret for Arc onboarding (it goes only to the nodes)", cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var (_, secret) = await graph.ReplacePasswordAsync(application.ObjectId, SecretName, SecretLifetime, cancellationToken).ConfigureAwait(false);
            return (application.AppId, principalId, secret);
        }

        /// <summary>The two Connected Machine roles on the Arc resource group only, riding out directory replication.</summary>
        private async Task AssignRolesAsync(string principalId, CancellationToken cancellationToken)
        {
            if (!await _context.Changes.AllowAsync(GroupScope, "Assign Azure Connected Machine Onboarding and Resource Administrator to the Arc onboarding identity", cancellationToken).ConfigureAwait(false))
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

        /// <summary>
        /// The provider's service principal gets Azure Connected Machine Resource Manager on the Arc group, so it can
        /// manage the nodes' machines and extensions (MS 2.x Set-ArcRoleforRPSpn); skipped where the resource names none.
        /// </summary>
        private async Task AssignProviderRoleAsync(CancellationToken cancellationToken)
        {
            if (_context.Changes.Declined)
            {
                await _context.Changes.AllowAsync(GroupScope, "Assign Azure Connected Machine Resource Manager to the Azure Stack HCI resource provider", cancellationToken).ConfigureAwait(false);
                return;
            }

            var cluster = await _context.Arm.GetResourceAsync(Target.ResourceId, ApiVersions.Clusters, cancellationToken).ConfigureAwait(false);
            if (IdentityFlows.ProviderPrincipal(cluster) is not string provider
                || !await _context.Changes.AllowAsync(GroupScope, "Assign Azure Connected Machine Resource Manager to the Azure Stack HCI resource provider", cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            await _context.Arm.AssignRoleAsync(GroupScope, ClusterIdentities.ArcResourceManagerRole, provider, "ServicePrincipal", cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// On 22H2 and later (build 20349+), consent to and install Arc's default extensions, as MS 2.2+ does on every
        /// run (Get-CimInstance CIM_OperatingSystem on one node); once consented, nothing to do.
        /// </summary>
        private async Task ConsentToDefaultExtensionsAsync(CancellationToken cancellationToken)
        {
            var settings = await _context.Arm.GetResourceAsync(SettingsId, ApiVersions.ArcSettings, cancellationToken).ConfigureAwait(false);
            var consented = settings?["properties"]?["defaultExtensions"] is JsonArray extensions && extensions.Any(e => e?["consentTime"] is not null);
            if (settings is null || consented)
            {
                return;
            }

            var build = await NodeCommands.GetOsBuildAsync(_context.Cluster.Entry, cancellationToken).ConfigureAwait(false);
            if (build is null || build < DefaultExtensionsBuild)
            {
                _context.Reporter.Verbose($"The nodes run build {build?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(unknown)"}; Arc's default extensions need 22H2 ({DefaultExtensionsBuild}) or later.");
                return;
            }

            if (await _context.Changes.AllowAsync(SettingsId, DefaultExtensionsAction, cancellationToken).ConfigureAwait(false))
            {
                await _context.Arm.InvokeActionAsync(SettingsId, "consentAndInstallDefaultExtensions", ApiVersions.ArcSettings, null, _context.Reporter, cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task EnsureArcSettingsAsync(CancellationToken cancellationToken)
        {
            var current = _plan.ArcSettings?["properties"]?["arcInstanceResourceGroup"]?.GetValue<string>();
            if (string.Equals(current, _plan.ResourceGroup, StringComparison.OrdinalIgnoreCase)
                || !await _context.Changes.AllowAsync(SettingsId, $"Create arcSettings with the Arc resource group {_plan.ResourceGroup}", cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            var body = new JsonObject { ["properties"] = new JsonObject { ["arcInstanceResourceGroup"] = _plan.ResourceGroup } };
            await _context.Arm.PutResourceAsync(SettingsId, ApiVersions.ArcSettings, body, cancellationToken).ConfigureAwait(false);
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
    }
}
