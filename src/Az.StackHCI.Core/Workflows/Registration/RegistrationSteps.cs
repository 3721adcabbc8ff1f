using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
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
    /// The changes of a registration, each read first and asked for (ShouldProcess) before it is made, in the plan's
    /// identity flow (the provider's identity, or the user's own application). Once a change is declined (-WhatIf,
    /// or No at -Confirm) the later ones are only announced.
    /// </summary>
    internal sealed class RegistrationSteps
    {
        /// <summary>Application permissions the cluster's app asks of the Azure Stack HCI service (wire protocols §4.4).</summary>
        internal static readonly Guid[] HciAppRoles =
        {
            new Guid("2344a320-6a09-4530-bed7-c90485b5e5e2"), new Guid("493bd689-9082-40db-a506-11f40b68128f"),
            new Guid("8fa5445e-80fb-4c71-a3b1-9a16a81a1966"), new Guid("bbe8afc9-f3ba-4955-bb5f-1cfb6960b242"),
        };

        internal const string HciServiceAppId = "1322e676-dee7-41ee-a874-ac923822781c";

        private const string CreateIdentityAction = "Ask the Azure Stack HCI resource provider to create the cluster's identity (createClusterIdentity)";

        private readonly RegistrationContext _context;
        private readonly RegistrationPlan _plan;
        private readonly StepProgress<RegistrationStep> _progress;

        public RegistrationSteps(RegistrationContext context, RegistrationPlan plan, StepProgress<RegistrationStep> progress)
        {
            _context = context;
            _plan = plan;
            _progress = progress;
        }

        private RegistrationTarget Target => _context.Target;

        public async Task<RegistrationResult> RunAsync(CancellationToken cancellationToken)
        {
            await EnsureProviderAsync(cancellationToken).ConfigureAwait(false);
            await EnsureResourceGroupAsync(cancellationToken).ConfigureAwait(false);

            var (identity, cluster, pending) = _plan.Flow == IdentityFlow.ServiceManaged
                ? await EnsureServiceManagedAsync(cancellationToken).ConfigureAwait(false)
                : await EnsureOwnApplicationAsync(cancellationToken).ConfigureAwait(false);
            if (pending is not null)
            {
                return pending;
            }

            if (_context.Changes.Declined || identity is null || cluster is null)
            {
                await _context.Changes.AnnounceAsync("every node", "Create a registration certificate, add it to the cluster's identity and set it on the node", cancellationToken).ConfigureAwait(false);
                await _context.Changes.AnnounceAsync(_context.Cluster.Cluster.Name, "Register the cluster and sync its census with the Azure Stack HCI service", cancellationToken).ConfigureAwait(false);
                return Skipped(Array.Empty<NodeResult>());
            }

            RequireServiceEndpoint(cluster);
            _progress.Step(RegistrationStep.Certificates, "Getting new certificates from the on-premises cluster to use as application credentials");
            var certificates = await new CertificateSteps(_context, _progress).RunAsync(identity, cluster, cancellationToken).ConfigureAwait(false);
            if (certificates is null)
            {
                return Skipped(Array.Empty<NodeResult>());
            }

            _progress.Step(RegistrationStep.Registration, "Registering Azure Stack HCI cluster and syncing cluster census information from the on-premises cluster to the cloud");
            return await RegisterOnClusterAsync(identity, cluster, certificates, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Microsoft's flow since 1.2 (MS 2.x Register-AzStackHCI): the resource first, then the provider creates and
        /// owns the cluster's application (createClusterIdentity, a long-running operation), read back from the resource.
        /// </summary>
        private async Task<(ClusterIdentity?, JsonObject?, RegistrationResult?)> EnsureServiceManagedAsync(CancellationToken cancellationToken)
        {
            _progress.Step(RegistrationStep.Resource, $"Creating Azure Resource {Target.ResourceName} representing Azure Stack HCI by calling Microsoft.AzureStackHCI provider");
            var cluster = await EnsureClusterAsync(null, cancellationToken).ConfigureAwait(false);
            _progress.Step(RegistrationStep.ClusterIdentity, "Creating the cluster's identity, owned by the Azure Stack HCI resource provider");
            if (cluster is null)
            {
                await _context.Changes.AnnounceAsync(Target.ResourceId, CreateIdentityAction, cancellationToken).ConfigureAwait(false);
                return (null, null, null);
            }

            if (ProviderIdentity(cluster) is null)
            {
                if (!await _context.Changes.AllowAsync(Target.ResourceId, CreateIdentityAction, cancellationToken).ConfigureAwait(false))
                {
                    return (null, null, null);
                }

                await _context.Arm.InvokeActionAsync(Target.ResourceId, "createClusterIdentity", ApiVersions.Clusters, null, _context.Reporter, cancellationToken).ConfigureAwait(false);
                cluster = await _context.Arm.GetResourceAsync(Target.ResourceId, ApiVersions.Clusters, cancellationToken).ConfigureAwait(false)
                    ?? throw new HciException("CloudResourceDoesNotExist", HciErrorCategory.ObjectNotFound, Target.ResourceId, string.Format(RegistrationMessages.ResourceMissing, Target.ResourceId));
            }

            var identity = ProviderIdentity(cluster)
                ?? throw new HciException("ClusterIdentityMissing", HciErrorCategory.InvalidResult, Target.ResourceId,
                    $"The Azure Stack HCI resource provider created no identity for {Target.ResourceId} (aadClientId, aadApplicationObjectId and aadServicePrincipalObjectId are empty). Nothing was set on the nodes. Run Register-AzStackHCI again; if it persists, register with -UseOwnApplication.");
            _context.Reporter.Verbose($"The cluster's identity is the resource provider's application {identity.AppId}.");
            return (identity, cluster, null);
        }

        private static ClusterIdentity? ProviderIdentity(JsonObject cluster)
        {
            var properties = cluster["properties"];
            string? Read(string name) => properties?[name]?.GetValue<string>() is { Length: > 0 } value ? value : null;
            return Read("aadClientId") is string appId && Read("aadApplicationObjectId") is string objectId && Read("aadServicePrincipalObjectId") is string principalId
                ? new ClusterIdentity(IdentityFlow.ServiceManaged, appId, objectId, principalId)
                : null;
        }

        /// <summary>The seed's flow (Microsoft's 1.1): the user's own application, its service principal and admin consent, then the resource naming them.</summary>
        private async Task<(ClusterIdentity?, JsonObject?, RegistrationResult?)> EnsureOwnApplicationAsync(CancellationToken cancellationToken)
        {
            _progress.Step(RegistrationStep.Application, $"Creating the Azure AD application {Target.ResourceName}");
            var application = await EnsureApplicationAsync(cancellationToken).ConfigureAwait(false);
            string? servicePrincipalId = null;
            if (application is null)
            {
                await _context.Changes.AnnounceAsync(Target.ResourceName, "Create the service principal of the application", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                servicePrincipalId = await EnsureServicePrincipalAsync(application, cancellationToken).ConfigureAwait(false);
            }

            _progress.Step(RegistrationStep.Consent, "Granting admin consent for the Azure Stack HCI service permissions");
            if (servicePrincipalId is null)
            {
                await _context.Changes.AnnounceAsync(Target.ResourceName, "Grant admin consent: 4 Azure Stack HCI service application permission(s)", cancellationToken).ConfigureAwait(false);
            }
            else if (!await EnsureConsentAsync(servicePrincipalId, cancellationToken).ConfigureAwait(false))
            {
                var url = PortalLinks.AppPermissions(_context.Environment, application!.AppId);
                var consentUrl = PortalLinks.AdminConsent(_context.Environment, _context.TenantId, application.AppId);
                var pending = _context.Result(RegistrationStatus.PendingForAdminConsent, string.Format(RegistrationMessages.AdminConsent, application.AppId, url, consentUrl), Array.Empty<NodeResult>());
                pending.AzurePortalAADAppPermissionsURL = url;
                pending.AdminConsentURL = consentUrl;
                _context.Reporter.Warning(pending.Details!);
                return (null, null, pending);
            }

            var identity = application is null || servicePrincipalId is null ? null : new ClusterIdentity(IdentityFlow.OwnApplication, application.AppId, application.ObjectId, servicePrincipalId);
            _progress.Step(RegistrationStep.Resource, $"Creating Azure Resource {Target.ResourceName} representing Azure Stack HCI by calling Microsoft.AzureStackHCI provider");
            return (identity, await EnsureClusterAsync(identity, cancellationToken).ConfigureAwait(false), null);
        }

        /// <summary>The provider's serviceEndpoint is where the nodes register; without it they would be handed nothing.</summary>
        private void RequireServiceEndpoint(JsonObject cluster)
        {
            if (cluster["properties"]?["serviceEndpoint"]?.GetValue<string>() is not { Length: > 0 })
            {
                throw new HciException("ServiceEndpointMissing", HciErrorCategory.InvalidResult, Target.ResourceId,
                    $"The Azure Stack HCI resource provider returned no serviceEndpoint for {Target.ResourceId}, so the nodes would have no service to register with. Nothing was set on the nodes. Run Register-AzStackHCI again later; if it persists, the provider in this cloud cannot take registrations.");
            }
        }

        private RegistrationResult Skipped(IEnumerable<NodeResult> nodes)
        {
            var skipped = _context.Result(RegistrationStatus.Cancelled, RegistrationMessages.WhatIfDetails, nodes);
            skipped.ChangesSkipped = true;
            return skipped;
        }

        private async Task EnsureProviderAsync(CancellationToken cancellationToken)
        {
            if (!_plan.RegisterProvider)
            {
                return;
            }

            _progress.Step(RegistrationStep.ResourceProvider, "Registering Microsoft.AzureStackHCI provider to Subscription");
            if (!await _context.Changes.AllowAsync(ResourceIds.Subscription(Target.SubscriptionId), $"Register the resource provider {ResourceIds.HciNamespace}", cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            // Registration can take minutes: checked with growing gaps up to 15 s, about ten minutes in all, shown as progress.
            var started = DateTimeOffset.UtcNow;
            var provider = await _context.Arm.RegisterProviderAsync(Target.SubscriptionId, ResourceIds.HciNamespace, cancellationToken).ConfigureAwait(false);
            provider = await Polling.RepeatAsync(
                async (attempt, token) => attempt == 1 ? provider : await _context.Arm.GetProviderAsync(Target.SubscriptionId, ResourceIds.HciNamespace, token).ConfigureAwait(false),
                p => !p.IsRegistered,
                (p, wait) => _progress.Step(RegistrationStep.ResourceProvider, $"Registering Microsoft.AzureStackHCI provider to Subscription: {p.RegistrationState} after {(DateTimeOffset.UtcNow - started).TotalSeconds:0} s"),
                TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15), 45, cancellationToken).ConfigureAwait(false);
            if (!provider.IsRegistered)
            {
                throw new HciException("ProviderRegistrationTimedOut", HciErrorCategory.OperationTimeout, ResourceIds.HciNamespace,
                    $"{ResourceIds.HciNamespace} is still {provider.RegistrationState} in subscription {Target.SubscriptionId} after {(DateTimeOffset.UtcNow - started).TotalMinutes:0} minutes. Nothing else was changed. Run Register-AzStackHCI again once 'Get-AzResourceProvider -ProviderNamespace {ResourceIds.HciNamespace}' shows it Registered.");
            }
        }

        private async Task EnsureResourceGroupAsync(CancellationToken cancellationToken)
        {
            if (!_plan.CreateResourceGroup)
            {
                return;
            }

            _progress.Step(RegistrationStep.ResourceGroup, $"Creating Azure Resource Group {Target.ResourceGroup}");
            if (await _context.Changes.AllowAsync(ResourceIds.ResourceGroup(Target.SubscriptionId, Target.ResourceGroup), $"Create the resource group in {_plan.Region}", cancellationToken).ConfigureAwait(false))
            {
                await _context.Arm.CreateResourceGroupAsync(Target.SubscriptionId, Target.ResourceGroup, _plan.Region,
                    new Dictionary<string, string> { [ResourceIds.CreatedByTag] = ResourceIds.CreatedByValue }, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>The cluster's application: the one the resource names, else the one of that display name, else a new one.</summary>
        private async Task<DirectoryApplication?> EnsureApplicationAsync(CancellationToken cancellationToken)
        {
            var graph = _context.Graph;
            var appId = _plan.ExistingCluster?["properties"]?["aadClientId"]?.GetValue<string>();
            var application = appId is { Length: > 0 }
                ? await graph.FindApplicationByAppIdAsync(appId, cancellationToken).ConfigureAwait(false)
                : await graph.FindApplicationByNameAsync(Target.ResourceName, ApplicationTag, cancellationToken).ConfigureAwait(false);
            if (application is not null)
            {
                _context.Reporter.Verbose($"Using the existing application {application.DisplayName} ({application.AppId}).");
                return application;
            }

            if (!await _context.Changes.AllowAsync(Target.ResourceName, $"Create the Azure AD application '{Target.ResourceName}' with the Azure Stack HCI service permissions", cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return await graph.CreateApplicationAsync(Target.ResourceName, HciServiceAppId, HciAppRoles, ApplicationTag, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Marks the application as this resource's, so a re-run finds it and never takes another of the same name.</summary>
        private string ApplicationTag => ClusterIdentities.ClusterAppTag(Target.ResourceId);

        private async Task<string?> EnsureServicePrincipalAsync(DirectoryApplication application, CancellationToken cancellationToken)
        {
            var existing = await _context.Graph.FindServicePrincipalIdAsync(application.AppId, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                return existing;
            }

            return await _context.Changes.AllowAsync(application.AppId, "Create the service principal of the application", cancellationToken).ConfigureAwait(false)
                ? await _context.Graph.CreateServicePrincipalAsync(application.AppId, cancellationToken).ConfigureAwait(false)
                : null;
        }

        /// <summary>Grants the four app roles still missing; false when the account may not (admin consent needed).</summary>
        private async Task<bool> EnsureConsentAsync(string servicePrincipalId, CancellationToken cancellationToken)
        {
            var graph = _context.Graph;
            // A new tenant gets the service's principal when the provider registers, which may take minutes to show.
            var hciServicePrincipal = await Polling.RepeatAsync(
                    (_, token) => graph.FindServicePrincipalIdAsync(HciServiceAppId, token),
                    id => id is null,
                    (_, wait) => _context.Reporter.Verbose($"The tenant has no service principal for the Azure Stack HCI service ({HciServiceAppId}) yet; checking again in {wait.TotalSeconds:0} s."),
                    TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), 10, cancellationToken).ConfigureAwait(false)
                ?? throw new HciException("HciServicePrincipalMissing", HciErrorCategory.ObjectNotFound, HciServiceAppId,
                    $"The tenant has no service principal for the Azure Stack HCI service ({HciServiceAppId}). Registering the Microsoft.AzureStackHCI provider creates it; try again in a few minutes.");
            var granted = await graph.GetGrantedRolesAsync(servicePrincipalId, hciServicePrincipal, cancellationToken).ConfigureAwait(false);
            var missing = HciAppRoles.Where(r => !granted.Contains(r)).ToList();
            if (missing.Count == 0 || !await _context.Changes.AllowAsync(servicePrincipalId, $"Grant admin consent: {missing.Count} Azure Stack HCI service application permission(s)", cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            try
            {
                foreach (var role in missing)
                {
                    await graph.GrantRoleAsync(servicePrincipalId, hciServicePrincipal, role, cancellationToken).ConfigureAwait(false);
                }

                return true;
            }
            catch (HciException ex) when (ex.Category == HciErrorCategory.PermissionDenied)
            {
                _context.Reporter.Verbose($"Granting consent was refused: {ex.Message}");
                return false;
            }
        }

        /// <summary>
        /// The cluster resource: in the service-managed flow (no identity given) as it is, or created with no
        /// identity (MS 2.x); in the seed's flow bound to the application, with all four of its ids (spec
        /// ClusterProperties). Its cloudId and serviceEndpoint come back from ARM.
        /// </summary>
        private async Task<JsonObject?> EnsureClusterAsync(ClusterIdentity? identity, CancellationToken cancellationToken)
        {
            var existing = _plan.ExistingCluster;
            var boundTo = existing?["properties"]?["aadClientId"]?.GetValue<string>();
            if (existing is not null && (_plan.Flow == IdentityFlow.ServiceManaged || (identity is not null && string.Equals(boundTo, identity.AppId, StringComparison.OrdinalIgnoreCase))))
            {
                return existing;
            }

            if (!await _context.Changes.AllowAsync(Target.ResourceId, $"Create the Azure Stack HCI resource in {_plan.Region}", cancellationToken).ConfigureAwait(false)
                || (_plan.Flow == IdentityFlow.OwnApplication && identity is null))
            {
                return null;
            }

            var tags = new JsonObject();
            foreach (var tag in _context.Request.Tags)
            {
                tags[tag.Key] = tag.Value;
            }

            var properties = identity is null
                ? new JsonObject()
                : new JsonObject
                {
                    ["aadClientId"] = identity.AppId,
                    ["aadTenantId"] = _context.TenantId,
                    ["aadApplicationObjectId"] = identity.ApplicationObjectId,
                    ["aadServicePrincipalObjectId"] = identity.ServicePrincipalObjectId,
                };
            var body = new JsonObject { ["location"] = _plan.Region, ["tags"] = tags, ["properties"] = properties };
            await _context.Arm.PutResourceAsync(Target.ResourceId, ApiVersions.Clusters, body, cancellationToken).ConfigureAwait(false);
            return await _context.Arm.GetResourceAsync(Target.ResourceId, ApiVersions.Clusters, cancellationToken).ConfigureAwait(false);
        }

        private async Task<RegistrationResult> RegisterOnClusterAsync(ClusterIdentity identity, JsonObject cluster, IReadOnlyList<NodeResult> certificates, CancellationToken cancellationToken)
        {
            var entry = _context.Cluster.Entry;
            if (!await _context.Changes.AllowAsync(_context.Cluster.Cluster.Name, "Register the cluster and sync its census with the Azure Stack HCI service", cancellationToken).ConfigureAwait(false))
            {
                return Skipped(certificates);
            }

            var parameters = NodeParameters.Common(_context, identity.AppId, cluster);
            parameters["SubscriptionId"] = Target.SubscriptionId;
            parameters["ObjectId"] = identity.ApplicationObjectId;
            parameters["ResourceName"] = Target.ResourceName;
            parameters["ProviderNamespace"] = ResourceIds.HciNamespace;
            parameters["ResourceArmId"] = Target.ResourceId;
            parameters["ServicePrincipalClientId"] = identity.ServicePrincipalObjectId;
            if (_context.Request.CertificateThumbprint is { Length: > 0 } userThumbprint)
            {
                parameters["CertificateThumbprint"] = userThumbprint;   // the user's certificate only, as Microsoft's callers
            }

            try
            {
                await NodeCommands.SetRegistrationAsync(entry, parameters, cancellationToken).ConfigureAwait(false);
            }
            catch (NodeCommandException ex)
            {
                throw new HciException("SetRegistrationFailed", HciErrorCategory.InvalidOperation, entry.ComputerName,
                    string.Format(RegistrationMessages.SetRegistrationFailed, string.Join(" ", ex.Errors.Select(e => e.Message))), ex);
            }

            _progress.Step(RegistrationStep.Confirmation, "Confirming the registration on every node");
            var nodes = (await NodeStates.ReadAsync(_context, cancellationToken).ConfigureAwait(false)).ToList();
            foreach (var node in nodes)
            {
                node.CertificateThumbprint = certificates.FirstOrDefault(c => c.ComputerName == node.ComputerName)?.CertificateThumbprint;
            }

            var notRegistered = nodes.Where(n => n.Status != "Registered").Select(n => n.ComputerName).ToList();
            if (notRegistered.Count > 0)
            {
                throw new HciException("NodesNotRegistered", HciErrorCategory.InvalidResult, string.Join(", ", notRegistered),
                    $"The cluster was registered, but node(s) {string.Join(", ", notRegistered)} do not report it. Run Register-AzStackHCI again to complete it.");
            }

            var result = _context.Result(RegistrationStatus.Success, RegistrationMessages.Success, nodes);
            result.IdentityFlow = identity.Flow;
            return result;
        }
    }
}
