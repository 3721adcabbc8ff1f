using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Core.Operations;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using Azure.ResourceManager.Resources;

namespace Az.StackHCI.Core.Cloud
{
    /// <summary>
    /// Azure Resource Manager as the workflows use it: the SDK's ArmClient for subscriptions, providers, resource
    /// groups and generic resources at pinned api-versions, and its HTTP pipeline for what the SDK has no client
    /// for (actions, role assignments, permissions). SDK types stay inside; failures become HciExceptions.
    /// </summary>
    internal sealed class ArmGateway : IArmResources
    {
        private static readonly ResourceType ClusterType = new ResourceType("Microsoft.AzureStackHCI/clusters");
        private static readonly ResourceType ArcSettingType = new ResourceType("Microsoft.AzureStackHCI/clusters/arcSettings");
        private static readonly ResourceType MachineType = new ResourceType("Microsoft.HybridCompute/machines");

        private readonly ArmClient _client;
        private readonly HttpPipeline _pipeline;
        private readonly Uri _endpoint;
        private readonly Dictionary<string, Task<IReadOnlyList<(IReadOnlyList<string> Actions, IReadOnlyList<string> NotActions)>>> _permissions =
            new Dictionary<string, Task<IReadOnlyList<(IReadOnlyList<string> Actions, IReadOnlyList<string> NotActions)>>>();

        public ArmGateway(AzureSession session, string subscriptionId)
        {
            var environment = session.Environment;
            _endpoint = environment.ResourceManagerEndpoint;
            var options = session.Retries.Apply(new ArmClientOptions { Environment = new ArmEnvironment(_endpoint, environment.ResourceManagerAudience) });
            options.SetApiVersion(ClusterType, ApiVersions.Clusters);
            options.SetApiVersion(ArcSettingType, ApiVersions.ArcSettings);
            options.SetApiVersion(MachineType, ApiVersions.HybridComputeMachines);
            _client = new ArmClient(session.Credential, subscriptionId, options);
            _pipeline = HttpPipelineBuilder.Build(options, new BearerTokenAuthenticationPolicy(session.Credential, environment.ResourceManagerScope));
        }

        public Task<SubscriptionInfo> GetSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken) =>
            Call($"/subscriptions/{subscriptionId}", async () =>
            {
                var subscription = (await _client.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(subscriptionId)).GetAsync(cancellationToken).ConfigureAwait(false)).Value.Data;
                return new SubscriptionInfo(subscription.SubscriptionId, subscription.TenantId?.ToString() ?? "", subscription.DisplayName, subscription.State?.ToString() ?? "");
            });

        public Task<ProviderInfo> GetProviderAsync(string subscriptionId, string providerNamespace, CancellationToken cancellationToken) =>
            Call($"/subscriptions/{subscriptionId}/providers/{providerNamespace}", async () =>
                ToProvider((await Subscription(subscriptionId).GetResourceProviderAsync(providerNamespace, cancellationToken: cancellationToken).ConfigureAwait(false)).Value.Data));

        public Task<ProviderInfo> RegisterProviderAsync(string subscriptionId, string providerNamespace, CancellationToken cancellationToken) =>
            Call($"/subscriptions/{subscriptionId}/providers/{providerNamespace}", async () =>
            {
                // Straight to the register action: the caller has just read the provider.
                var provider = _client.GetResourceProviderResource(ResourceProviderResource.CreateResourceIdentifier(subscriptionId, providerNamespace));
                return ToProvider((await provider.RegisterAsync(null, cancellationToken).ConfigureAwait(false)).Value.Data);
            });

        public Task<ResourceGroupInfo?> GetResourceGroupAsync(string subscriptionId, string name, CancellationToken cancellationToken) =>
            Call($"/subscriptions/{subscriptionId}/resourceGroups/{name}", async () =>
            {
                try
                {
                    return ToResourceGroup((await Subscription(subscriptionId).GetResourceGroupAsync(name, cancellationToken).ConfigureAwait(false)).Value.Data);
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                    return null;
                }
            });

        public Task<ResourceGroupInfo> CreateResourceGroupAsync(string subscriptionId, string name, string location, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) =>
            Call($"/subscriptions/{subscriptionId}/resourceGroups/{name}", async () =>
            {
                var data = new ResourceGroupData(new AzureLocation(location));
                foreach (var tag in tags)
                {
                    data.Tags[tag.Key] = tag.Value;
                }

                var created = await Subscription(subscriptionId).GetResourceGroups().CreateOrUpdateAsync(WaitUntil.Completed, name, data, cancellationToken).ConfigureAwait(false);
                return ToResourceGroup(created.Value.Data);
            });

        /// <summary>A resource's JSON (id, name, type, location, tags, properties …), or null when it does not exist.</summary>
        public Task<JsonObject?> GetResourceAsync(string resourceId, string apiVersion, CancellationToken cancellationToken) =>
            SendAsync(RequestMethod.Get, resourceId, apiVersion, null, cancellationToken, allowNotFound: true);

        public async Task<JsonObject> PutResourceAsync(string resourceId, string apiVersion, JsonObject body, CancellationToken cancellationToken) =>
            (await SendAsync(RequestMethod.Put, resourceId, apiVersion, body, cancellationToken).ConfigureAwait(false))!;

        /// <summary>PATCHes the given properties only (ARM's merge semantics), returning the resource as it is now.</summary>
        public async Task<JsonObject> PatchResourceAsync(string resourceId, string apiVersion, JsonObject body, CancellationToken cancellationToken) =>
            (await SendAsync(RequestMethod.Patch, resourceId, apiVersion, body, cancellationToken).ConfigureAwait(false))!;

        /// <summary>
        /// Assigns a role at a scope under a name derived from (scope, role, principal), so a re-run lands on the same
        /// assignment; one that exists under another name (409 RoleAssignmentExists) is accepted as done.
        /// </summary>
        public async Task AssignRoleAsync(string scope, string roleDefinitionGuid, string principalId, string principalType, CancellationToken cancellationToken)
        {
            var subscription = "/" + string.Join("/", scope.Trim('/').Split('/').Take(2));
            var body = new JsonObject
            {
                ["properties"] = new JsonObject
                {
                    ["roleDefinitionId"] = $"{subscription}/providers/Microsoft.Authorization/roleDefinitions/{roleDefinitionGuid}",
                    ["principalId"] = principalId,
                    ["principalType"] = principalType,
                },
            };
            try
            {
                await PutResourceAsync(RoleAssignmentId(scope, roleDefinitionGuid, principalId), ApiVersions.Authorization, body, cancellationToken).ConfigureAwait(false);
            }
            catch (HciException ex) when (ex.ErrorId == "RoleAssignmentExists")
            {
            }
        }

        /// <summary>The id <see cref="AssignRoleAsync"/> gives an assignment: the same for the same scope, role and principal.</summary>
        public static string RoleAssignmentId(string scope, string roleDefinitionGuid, string principalId) =>
            $"{scope.TrimEnd('/')}/providers/Microsoft.Authorization/roleAssignments/" +
            DeterministicGuid($"{scope.TrimEnd('/').ToLowerInvariant()}|{roleDefinitionGuid}|{principalId.ToLowerInvariant()}");

        /// <summary>The principal's role assignments anywhere in the subscription: (id, scope, role definition guid).</summary>
        public async Task<IReadOnlyList<(string Id, string Scope, string RoleDefinition)>> ListRoleAssignmentsAsync(string subscriptionId, string principalId, CancellationToken cancellationToken)
        {
            var body = await SendAsync(RequestMethod.Get, $"/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleAssignments", ApiVersions.Authorization, null, cancellationToken,
                filter: $"principalId eq '{principalId}'").ConfigureAwait(false);
            return (body?["value"] as JsonArray ?? new JsonArray())
                .Select(a => (a?["id"]?.GetValue<string>() ?? "", a?["properties"]?["scope"]?.GetValue<string>() ?? "",
                    (a?["properties"]?["roleDefinitionId"]?.GetValue<string>() ?? "").Split('/').Last()))
                .ToList();
        }

        /// <summary>Deletes a resource by id (ARM ids of any kind, role assignments included); one already gone is fine.</summary>
        public async Task DeleteAsync(string resourceId, string apiVersion, CancellationToken cancellationToken) =>
            await SendAsync(RequestMethod.Delete, resourceId, apiVersion, null, cancellationToken, allowNotFound: true).ConfigureAwait(false);

        /// <summary>
        /// Deletes a provider resource through the SDK, which follows the long-running operation to its end (the
        /// api-version comes from the pinned ones); one already gone is fine.
        /// </summary>
        public Task<bool> DeleteProviderResourceAsync(string resourceId, CancellationToken cancellationToken) =>
            Call(resourceId, async () =>
            {
                try
                {
                    await _client.GetGenericResource(new ResourceIdentifier(resourceId)).DeleteAsync(WaitUntil.Completed, cancellationToken).ConfigureAwait(false);
                    return true;
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                    return false;
                }
            });

        /// <summary>
        /// POSTs a resource action and, when the provider runs it long (202), follows it to its end as ARM's RPC asks:
        /// the Azure-AsyncOperation status, else the Location, on the ARM host only. Returns the synchronous answer's
        /// body (null for 202/204: the caller reads the resource again, as Microsoft's module does).
        /// </summary>
        public async Task<JsonObject?> InvokeActionAsync(string resourceId, string action, string apiVersion, JsonObject? body, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            var path = resourceId.TrimEnd('/') + "/" + action;
            var (status, headers, content) = await ExchangeAsync(RequestMethod.Post, Url(path, apiVersion), body, cancellationToken).ConfigureAwait(false);
            if (status >= 400)
            {
                throw ArmErrors.From(content.Failure!, path);
            }

            if (status != 202)
            {
                return content.Body;
            }

            var monitor = headers.AsyncOperation ?? headers.Location
                ?? throw new HciException("LongRunningOperationWithoutMonitor", HciErrorCategory.InvalidResult, path, $"Azure accepted {action} on {resourceId} but named no URL to follow it. Run the command again.");
            await FollowAsync(monitor, headers.AsyncOperation is not null, path, reporter, cancellationToken).ConfigureAwait(false);
            return null;
        }

        private async Task FollowAsync(Uri monitor, bool isStatus, string path, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            if (!string.Equals(monitor.Host, _endpoint.Host, StringComparison.OrdinalIgnoreCase) || monitor.Scheme != Uri.UriSchemeHttps)
            {
                throw new HciException("LongRunningOperationElsewhere", HciErrorCategory.InvalidResult, path, $"Azure asked to follow {path} at {monitor.GetLeftPart(UriPartial.Authority)}, which is not Azure Resource Manager ({_endpoint.Host}); no token is sent there.");
            }

            // Provider operations take seconds to minutes: bounded at about ten minutes of checks.
            var last = await Resilience.Polling.RepeatAsync(
                async (_, token) => await ExchangeAsync(RequestMethod.Get, monitor, null, token).ConfigureAwait(false),
                r => r.Status == 202 || (isStatus && r.Status == 200 && !IsTerminal(r.Content.Body)),
                (r, wait) => reporter.Verbose($"{path} is still running ({(isStatus ? r.Content.Body?["status"]?.GetValue<string>() : "202")}); next check in {wait.TotalSeconds:0} s."),
                TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15), 45, cancellationToken).ConfigureAwait(false);
            if (last.Status >= 400)
            {
                throw ArmErrors.From(last.Content.Failure!, path);
            }

            var state = isStatus ? last.Content.Body?["status"]?.GetValue<string>() : "Succeeded";
            if (last.Status == 202 || (isStatus && !IsTerminal(last.Content.Body)))
            {
                throw new HciException("WaitTimedOut", HciErrorCategory.OperationTimeout, path, $"{path} did not finish in time (last state: {state}). Run the command again to continue.");
            }

            if (!string.Equals(state, "Succeeded", StringComparison.OrdinalIgnoreCase))
            {
                var error = last.Content.Body?["error"];
                throw new HciException(error?["code"]?.GetValue<string>() ?? "LongRunningOperationFailed", HciErrorCategory.InvalidOperation, path,
                    $"{path} ended {state}: {error?["message"]?.GetValue<string>() ?? "Azure gave no reason."}");
            }
        }

        private static bool IsTerminal(JsonObject? status) =>
            status?["status"]?.GetValue<string>() is string state
            && (state.Equals("Succeeded", StringComparison.OrdinalIgnoreCase) || state.Equals("Failed", StringComparison.OrdinalIgnoreCase) || state.Equals("Canceled", StringComparison.OrdinalIgnoreCase));

        /// <summary>The names of the operations a provider offers (GET /providers/{ns}/operations); empty where it lists none.</summary>
        public async Task<IReadOnlyList<string>> ListProviderOperationsAsync(string providerNamespace, string apiVersion, CancellationToken cancellationToken) =>
            (await ListAsync($"/providers/{providerNamespace}/operations", apiVersion, cancellationToken).ConfigureAwait(false))
                .Select(o => o["name"]?.GetValue<string>() ?? "").Where(n => n.Length > 0).ToList();

        /// <summary>The "value" list of a collection GET (e.g. arcSettings/default/extensions).</summary>
        public async Task<IReadOnlyList<JsonObject>> ListAsync(string path, string apiVersion, CancellationToken cancellationToken) =>
            ((await SendAsync(RequestMethod.Get, path, apiVersion, null, cancellationToken, allowNotFound: true).ConfigureAwait(false))?["value"] as JsonArray ?? new JsonArray())
                .OfType<JsonObject>().ToList();

        /// <summary>How many resources the group holds (0 when the group is gone).</summary>
        public Task<int> CountResourcesAsync(string subscriptionId, string resourceGroup, CancellationToken cancellationToken) =>
            Call($"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}", async () =>
            {
                try
                {
                    var group = (await Subscription(subscriptionId).GetResourceGroupAsync(resourceGroup, cancellationToken).ConfigureAwait(false)).Value;
                    var count = 0;
                    await foreach (var _ in group.GetGenericResourcesAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
                    {
                        count++;
                    }

                    return count;
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                    return 0;
                }
            });

        /// <summary>Deletes a resource group and waits until it is gone; one already gone is fine.</summary>
        public Task<bool> DeleteResourceGroupAsync(string subscriptionId, string resourceGroup, CancellationToken cancellationToken) =>
            Call($"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}", async () =>
            {
                try
                {
                    var group = (await Subscription(subscriptionId).GetResourceGroupAsync(resourceGroup, cancellationToken).ConfigureAwait(false)).Value;
                    await group.DeleteAsync(WaitUntil.Completed, cancellationToken: cancellationToken).ConfigureAwait(false);
                    return true;
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                    return false;
                }
            });

        private static string DeterministicGuid(string text)
        {
            using var md5 = System.Security.Cryptography.MD5.Create();
            return new Guid(md5.ComputeHash(System.Text.Encoding.UTF8.GetBytes(text))).ToString();
        }

        /// <summary>The caller's effective actions at a scope (Microsoft.Authorization/permissions), read once per scope and run.</summary>
        public Task<IReadOnlyList<(IReadOnlyList<string> Actions, IReadOnlyList<string> NotActions)>> GetPermissionsAsync(string scope, CancellationToken cancellationToken)
        {
            lock (_permissions)
            {
                if (!_permissions.TryGetValue(scope.ToLowerInvariant(), out var read) || read.IsFaulted || read.IsCanceled)
                {
                    _permissions[scope.ToLowerInvariant()] = read = ReadPermissionsAsync(scope, cancellationToken);
                }

                return read;
            }
        }

        private async Task<IReadOnlyList<(IReadOnlyList<string> Actions, IReadOnlyList<string> NotActions)>> ReadPermissionsAsync(string scope, CancellationToken cancellationToken)
        {
            var body = await SendAsync(RequestMethod.Get, scope.TrimEnd('/') + "/providers/Microsoft.Authorization/permissions", ApiVersions.Authorization, null, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<string> Strings(JsonNode? node) => node is JsonArray a ? a.Select(x => x!.GetValue<string>()).ToList() : new List<string>();
            return (body?["value"] as JsonArray ?? new JsonArray()).Select(p => (Strings(p?["actions"]), Strings(p?["notActions"]))).ToList();
        }

        private SubscriptionResource Subscription(string subscriptionId) =>
            _client.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(subscriptionId));

        private async Task<JsonObject?> SendAsync(RequestMethod method, string path, string apiVersion, JsonObject? body, CancellationToken cancellationToken, bool allowNotFound = false, string? filter = null)
        {
            var url = Url(path, apiVersion, filter);
            var (status, _, content) = await ExchangeAsync(method, url, body, cancellationToken).ConfigureAwait(false);
            if (allowNotFound && status == 404)
            {
                return null;
            }

            return status >= 400 ? throw ArmErrors.From(content.Failure!, path) : content.Body;
        }

        private Uri Url(string path, string apiVersion, string? filter = null)
        {
            var uri = new RequestUriBuilder();
            uri.Reset(_endpoint);
            uri.AppendPath(path.TrimStart('/'), escape: false);
            uri.AppendQuery("api-version", apiVersion);
            if (filter is not null)
            {
                uri.AppendQuery("$filter", filter);
            }

            return uri.ToUri();
        }

        /// <summary>One request through the SDK pipeline (auth, retries, logging): status, monitor headers and body.</summary>
        private async Task<(int Status, (Uri? AsyncOperation, Uri? Location) Headers, (JsonObject? Body, RequestFailedException? Failure) Content)> ExchangeAsync(
            RequestMethod method, Uri url, JsonObject? body, CancellationToken cancellationToken)
        {
            using var message = _pipeline.CreateMessage();
            var request = message.Request;
            request.Method = method;
            request.Uri.Reset(url);
            request.Headers.Add("Accept", "application/json");
            if (body is not null)
            {
                request.Headers.Add("Content-Type", "application/json");
                request.Content = RequestContent.Create(BinaryData.FromString(body.ToJsonString()));
            }

            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
            var response = message.Response;
            Uri? Header(string name) => response.Headers.TryGetValue(name, out var value) && Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : null;
            var headers = (Header("Azure-AsyncOperation"), Header("Location"));
            if (response.Status >= 400)
            {
                return (response.Status, headers, (null, new RequestFailedException(response)));
            }

            var json = response.Content.ToMemory().Length == 0 ? null : JsonNode.Parse(response.Content.ToString()) as JsonObject;
            return (response.Status, headers, (json, null));
        }

        private static async Task<T> Call<T>(string scope, Func<Task<T>> call)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (RequestFailedException ex)
            {
                throw ArmErrors.From(ex, scope);
            }
        }

        private static ProviderInfo ToProvider(ResourceProviderData data) =>
            new ProviderInfo(
                data.Namespace,
                data.RegistrationState ?? "",
                data.ResourceTypes.ToDictionary(t => t.ResourceType, t => (IReadOnlyList<string>)t.Locations.ToList(), StringComparer.OrdinalIgnoreCase));

        private static ResourceGroupInfo ToResourceGroup(ResourceGroupData data) =>
            new ResourceGroupInfo(data.Id.ToString(), data.Name, data.Location.Name, data.Tags.ToDictionary(t => t.Key, t => t.Value));
    }
}
