using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Resilience;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Authentication.Azure;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware;

namespace Az.StackHCI.Core.Cloud
{
    /// <summary>The cluster's directory objects as the module needs them, in SDK-free shapes.</summary>
    internal sealed class DirectoryApplication
    {
        public DirectoryApplication(string objectId, string appId, string displayName, IReadOnlyList<AppKey> keys, IReadOnlyList<string> tags)
        {
            ObjectId = objectId;
            AppId = appId;
            DisplayName = displayName;
            Keys = keys;
            Tags = tags;
        }

        public IReadOnlyList<string> Tags { get; }

        public string ObjectId { get; }

        public string AppId { get; }

        public string DisplayName { get; }

        public IReadOnlyList<AppKey> Keys { get; }
    }

    /// <summary>A certificate credential of an application.</summary>
    internal sealed class AppKey
    {
        public AppKey(Guid keyId, byte[]? certificate, DateTimeOffset? start, DateTimeOffset? end, string? displayName)
        {
            KeyId = keyId;
            Certificate = certificate;
            Start = start;
            End = end;
            DisplayName = displayName;
        }

        public Guid KeyId { get; }

        /// <summary>The DER certificate (Graph returns it only when keyCredentials is selected on one application).</summary>
        public byte[]? Certificate { get; }

        public DateTimeOffset? Start { get; }

        public DateTimeOffset? End { get; }

        public string? DisplayName { get; }
    }

    /// <summary>
    /// Microsoft Graph through the SDK's GraphServiceClient: the cluster's application, its service principal, the
    /// admin-consent app-role assignments and its certificate credentials.
    /// </summary>
    internal sealed class GraphGateway : IDirectory
    {
        private readonly GraphServiceClient _graph;
        private readonly Action<string> _log;

        public GraphGateway(AzureSession session)
        {
            var environment = session.Environment;
            _log = session.Retries.Log;
            // Graph.Core 4 sends tokens only to the hosts it knows unless told the allowed hosts: name the
            // environment's own Graph host so custom clouds get a token too.
            var authentication = new AzureIdentityAuthenticationProvider(session.Credential, new[] { environment.GraphEndpoint.Host }, null, true, environment.GraphScope);
            // Kiota's retry handler gives way to ours (see GraphRetryHandler), so no call is retried by both.
            var handlers = GraphClientFactory.CreateDefaultHandlers().Select(h => h is RetryHandler ? new GraphRetryHandler(session.Retries.Log) : h).ToList();
            var http = GraphClientFactory.Create(handlers);
            http.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
            _graph = new GraphServiceClient(http, authentication, environment.GraphEndpoint.AbsoluteUri.TrimEnd('/') + "/v1.0");
        }

        public Task<DirectoryApplication?> FindApplicationByAppIdAsync(string appId, CancellationToken cancellationToken) =>
            FindApplicationAsync($"appId eq '{Escape(appId)}'", cancellationToken);

        /// <summary>
        /// The application of that display name that carries the tag (names alone are not unique); of several (runs
        /// that created at the same time), the oldest, so every run picks the same one.
        /// </summary>
        public Task<DirectoryApplication?> FindApplicationByNameAsync(string displayName, string tag, CancellationToken cancellationToken) =>
            Call("applications", cancellationToken, async () =>
            {
                var tagged = await ListTaggedAsync(displayName, tag, cancellationToken).ConfigureAwait(false);
                return tagged.Count == 0 ? null : ToApplication(tagged[0]);
            });

        /// <summary>Creates an application; with a resource app id it asks for those application permissions.</summary>
        public Task<DirectoryApplication> CreateApplicationAsync(string displayName, string? resourceAppId, IEnumerable<Guid> appRoleIds, string tag, CancellationToken cancellationToken) =>
            Call("applications", cancellationToken, async () =>
            {
                var created = await _graph.Applications.PostAsync(new Application
                {
                    DisplayName = displayName,
                    SignInAudience = "AzureADMyOrg",
                    Tags = new List<string> { tag },
                    RequiredResourceAccess = resourceAppId is null
                        ? new List<RequiredResourceAccess>()
                        : new List<RequiredResourceAccess>
                        {
                            new RequiredResourceAccess
                            {
                                ResourceAppId = resourceAppId,
                                ResourceAccess = appRoleIds.Select(id => new ResourceAccess { Id = id, Type = "Role" }).ToList(),
                            },
                        },
                }, cancellationToken: cancellationToken).ConfigureAwait(false);

                // Another run may have created one for the same tag meanwhile: all keep the oldest, the others
                // delete their own, so concurrent runs never leave two applications.
                var tagged = await ListTaggedAsync(displayName, tag, cancellationToken).ConfigureAwait(false);
                if (tagged.Count == 0 || tagged[0].Id == created!.Id)
                {
                    return ToApplication(created!);
                }

                await DeleteApplicationAsync(created.Id!, cancellationToken).ConfigureAwait(false);
                return ToApplication(tagged[0]);
            });

        private async Task<List<Application>> ListTaggedAsync(string displayName, string tag, CancellationToken cancellationToken)
        {
            var found = await _graph.Applications.GetAsync(r => r.QueryParameters.Filter = $"displayName eq '{Escape(displayName)}'", cancellationToken).ConfigureAwait(false);
            return (found?.Value ?? new List<Application>())
                .Where(a => a.Tags?.Contains(tag, StringComparer.OrdinalIgnoreCase) == true)
                .OrderBy(a => a.CreatedDateTime ?? DateTimeOffset.MaxValue)
                .ThenBy(a => a.AppId, StringComparer.OrdinalIgnoreCase)
                .ToList();
        }

        /// <summary>An application with its certificate credentials (keys included).</summary>
        public Task<DirectoryApplication> GetApplicationWithKeysAsync(string objectId, CancellationToken cancellationToken) =>
            Call($"applications/{objectId}", cancellationToken, async () => ToApplication((await _graph.Applications[objectId].GetAsync(r =>
                r.QueryParameters.Select = new[] { "id", "appId", "displayName", "keyCredentials" }, cancellationToken).ConfigureAwait(false))!));

        /// <summary>Replaces the application's certificate credentials with exactly these.</summary>
        public Task SetKeysAsync(string objectId, IEnumerable<AppKey> keys, CancellationToken cancellationToken) =>
            Call($"applications/{objectId}", cancellationToken, async () =>
            {
                await _graph.Applications[objectId].PatchAsync(new Application
                {
                    KeyCredentials = keys.Select(k => new KeyCredential
                    {
                        KeyId = k.KeyId,
                        Type = "AsymmetricX509Cert",
                        Usage = "Verify",
                        Key = k.Certificate,
                        StartDateTime = k.Start,
                        EndDateTime = k.End,
                        DisplayName = k.DisplayName,
                    }).ToList(),
                }, cancellationToken: cancellationToken).ConfigureAwait(false);
                return true;
            });

        /// <summary>
        /// A new client secret for the application, replacing the earlier ones of the same display name. The secret
        /// is returned once and must go nowhere but to whoever signs in with it.
        /// </summary>
        public Task<(string KeyId, string Secret)> ReplacePasswordAsync(string objectId, string displayName, TimeSpan lifetime, CancellationToken cancellationToken) =>
            Call($"applications/{objectId}/addPassword", cancellationToken, async () =>
            {
                var application = await _graph.Applications[objectId].GetAsync(r => r.QueryParameters.Select = new[] { "id", "passwordCredentials" }, cancellationToken).ConfigureAwait(false);
                foreach (var old in (application?.PasswordCredentials ?? new List<PasswordCredential>()).Where(p => p.DisplayName == displayName && p.KeyId is Guid))
                {
                    await _graph.Applications[objectId].RemovePassword.PostAsync(new Microsoft.Graph.Applications.Item.RemovePassword.RemovePasswordPostRequestBody { KeyId = old.KeyId }, cancellationToken: cancellationToken).ConfigureAwait(false);
                }

                var created = await _graph.Applications[objectId].AddPassword.PostAsync(new Microsoft.Graph.Applications.Item.AddPassword.AddPasswordPostRequestBody
                {
                    PasswordCredential = new PasswordCredential { DisplayName = displayName, EndDateTime = DateTimeOffset.UtcNow + lifetime },
                }, cancellationToken: cancellationToken).ConfigureAwait(false);
                return (created!.KeyId!.Value.ToString(), created.SecretText!);
            });

        /// <summary>When the application's longest-lived client secret expires; null when it has none.</summary>
        public Task<DateTimeOffset?> GetLatestSecretExpiryAsync(string appId, CancellationToken cancellationToken) =>
            Call("applications", cancellationToken, async () =>
            {
                var found = await _graph.Applications.GetAsync(r =>
                {
                    r.QueryParameters.Filter = $"appId eq '{Escape(appId)}'";
                    r.QueryParameters.Select = new[] { "id", "passwordCredentials" };
                }, cancellationToken).ConfigureAwait(false);
                return (found?.Value?.FirstOrDefault()?.PasswordCredentials ?? new List<PasswordCredential>()).Max(p => p.EndDateTime);
            });

        /// <summary>Deletes an application (and with it its service principal); one already gone is fine.</summary>
        public Task DeleteApplicationAsync(string objectId, CancellationToken cancellationToken) =>
            Call($"applications/{objectId}", cancellationToken, async () =>
            {
                try
                {
                    await _graph.Applications[objectId].DeleteAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (ODataError ex) when (ex.ResponseStatusCode == 404)
                {
                }

                return true;
            });

        /// <summary>The object ids of the application's owners (users and service principals).</summary>
        public Task<IReadOnlyList<string>> GetOwnerIdsAsync(string objectId, CancellationToken cancellationToken) =>
            Call($"applications/{objectId}/owners", cancellationToken, async () =>
            {
                var owners = await _graph.Applications[objectId].Owners.GetAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                return (IReadOnlyList<string>)(owners?.Value ?? new List<DirectoryObject>()).Select(o => o.Id ?? "").Where(id => id.Length > 0).ToList();
            });

        public Task<string?> FindServicePrincipalIdAsync(string appId, CancellationToken cancellationToken) =>
            Call("servicePrincipals", cancellationToken, async () =>
            {
                var found = await _graph.ServicePrincipals.GetAsync(r => r.QueryParameters.Filter = $"appId eq '{Escape(appId)}'", cancellationToken).ConfigureAwait(false);
                return found?.Value?.FirstOrDefault()?.Id;
            });

        public Task<string> CreateServicePrincipalAsync(string appId, CancellationToken cancellationToken) =>
            Call("servicePrincipals", cancellationToken, async () =>
                (await _graph.ServicePrincipals.PostAsync(new ServicePrincipal { AppId = appId }, cancellationToken: cancellationToken).ConfigureAwait(false))!.Id!);

        /// <summary>App role ids already granted to the principal on the resource service principal.</summary>
        public Task<IReadOnlyCollection<Guid>> GetGrantedRolesAsync(string principalId, string resourceId, CancellationToken cancellationToken) =>
            Call($"servicePrincipals/{principalId}/appRoleAssignments", cancellationToken, async () =>
            {
                var assignments = await _graph.ServicePrincipals[principalId].AppRoleAssignments.GetAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                return (IReadOnlyCollection<Guid>)(assignments?.Value ?? new List<AppRoleAssignment>())
                    .Where(a => string.Equals(a.ResourceId?.ToString(), resourceId, StringComparison.OrdinalIgnoreCase) && a.AppRoleId is Guid)
                    .Select(a => a.AppRoleId!.Value)
                    .ToList();
            });

        /// <summary>Grants one app role (admin consent for an application permission).</summary>
        public Task GrantRoleAsync(string principalId, string resourceId, Guid appRoleId, CancellationToken cancellationToken) =>
            Call($"servicePrincipals/{principalId}/appRoleAssignments", cancellationToken, async () =>
            {
                await _graph.ServicePrincipals[principalId].AppRoleAssignments.PostAsync(new AppRoleAssignment
                {
                    PrincipalId = Guid.Parse(principalId),
                    ResourceId = Guid.Parse(resourceId),
                    AppRoleId = appRoleId,
                }, cancellationToken: cancellationToken).ConfigureAwait(false);
                return true;
            });

        private Task<DirectoryApplication?> FindApplicationAsync(string filter, CancellationToken cancellationToken) =>
            Call("applications", cancellationToken, async () =>
            {
                var found = await _graph.Applications.GetAsync(r => r.QueryParameters.Filter = filter, cancellationToken).ConfigureAwait(false);
                var application = found?.Value?.FirstOrDefault();
                return application is null ? null : ToApplication(application);
            });

        private static DirectoryApplication ToApplication(Application application) =>
            new DirectoryApplication(application.Id!, application.AppId!, application.DisplayName ?? "",
                (application.KeyCredentials ?? new List<KeyCredential>())
                    .Where(k => k.KeyId is Guid)
                    .Select(k => new AppKey(k.KeyId!.Value, k.Key, k.StartDateTime, k.EndDateTime, k.DisplayName))
                    .ToList(),
                (application.Tags ?? new List<string>()).ToList());

        private static string Escape(string value) => value.Replace("'", "''");

        /// <summary>
        /// One Graph call; a 404, or a 400 saying an object "does not exist", is ridden out with bounded backoff (about
        /// a minute): every call addresses an object just found or created, which the directory may not have
        /// replicated yet (as Microsoft's 1.1 module retried every directory call). Lookups by filter return null instead.
        /// </summary>
        private async Task<T> Call<T>(string target, CancellationToken cancellationToken, Func<Task<T>> call)
        {
            var result = default(T)!;
            try
            {
                await Polling.RetryAsync(
                    async _ => result = await call().ConfigureAwait(false),
                    IsReplicationDelay,
                    (attempt, ex) => _log($"Microsoft Graph does not know {target} yet ({((ODataError)ex).ResponseStatusCode} {((ODataError)ex).Error?.Code}); directory replication, retry {attempt}."),
                    cancellationToken, maxAttempts: 7).ConfigureAwait(false);
                return result;
            }
            catch (ODataError ex)
            {
                var code = ex.Error?.Code ?? "GraphRequestFailed";
                var category = ex.ResponseStatusCode switch
                {
                    403 => HciErrorCategory.PermissionDenied,
                    404 => HciErrorCategory.ObjectNotFound,
                    401 => HciErrorCategory.AuthenticationError,
                    >= 500 => HciErrorCategory.ConnectionError,
                    _ => HciErrorCategory.InvalidOperation,
                };
                throw new HciException(code, category, target, $"Microsoft Graph refused the request for {target} ({ex.ResponseStatusCode} {code}): {ex.Error?.Message ?? ex.Message}", ex);
            }
        }

        internal static bool IsReplicationDelay(Exception ex) =>
            ex is ODataError error && (error.ResponseStatusCode == 404
                || (error.ResponseStatusCode == 400 && (error.Error?.Message ?? "").IndexOf("does not exist", StringComparison.OrdinalIgnoreCase) >= 0));
    }
}
