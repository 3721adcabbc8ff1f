using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Az.StackHCI.Core.Cloud
{
    /// <summary>
    /// What the workflows need of the directory (Microsoft Graph): applications, their keys and secrets, owners,
    /// service principals and app-role grants. <see cref="GraphGateway"/> is the SDK's; unit tests give the workflows
    /// a fake.
    /// </summary>
    internal interface IDirectory
    {
        Task<DirectoryApplication?> FindApplicationByAppIdAsync(string appId, CancellationToken cancellationToken);

        /// <summary>
        /// The application of that display name that carries the tag (names alone are not unique); of several (runs
        /// that created at the same time), the oldest, so every run picks the same one.
        /// </summary>
        Task<DirectoryApplication?> FindApplicationByNameAsync(string displayName, string tag, CancellationToken cancellationToken);

        /// <summary>Creates an application; with a resource app id it asks for those application permissions.</summary>
        Task<DirectoryApplication> CreateApplicationAsync(string displayName, string? resourceAppId, IEnumerable<Guid> appRoleIds, string tag, CancellationToken cancellationToken);

        /// <summary>An application with its certificate credentials (keys included).</summary>
        Task<DirectoryApplication> GetApplicationWithKeysAsync(string objectId, CancellationToken cancellationToken);

        /// <summary>Replaces the application's certificate credentials with exactly these.</summary>
        Task SetKeysAsync(string objectId, IEnumerable<AppKey> keys, CancellationToken cancellationToken);

        /// <summary>
        /// A new client secret for the application, replacing the earlier ones of the same display name. The secret
        /// is returned once and must go nowhere but to whoever signs in with it.
        /// </summary>
        Task<(string KeyId, string Secret)> ReplacePasswordAsync(string objectId, string displayName, TimeSpan lifetime, CancellationToken cancellationToken);

        /// <summary>When the application's longest-lived client secret expires; null when it has none.</summary>
        Task<DateTimeOffset?> GetLatestSecretExpiryAsync(string appId, CancellationToken cancellationToken);

        /// <summary>Deletes an application (and with it its service principal); one already gone is fine.</summary>
        Task DeleteApplicationAsync(string objectId, CancellationToken cancellationToken);

        /// <summary>The object ids of the application's owners (users and service principals).</summary>
        Task<IReadOnlyList<string>> GetOwnerIdsAsync(string objectId, CancellationToken cancellationToken);

        Task<string?> FindServicePrincipalIdAsync(string appId, CancellationToken cancellationToken);

        Task<string> CreateServicePrincipalAsync(string appId, CancellationToken cancellationToken);

        /// <summary>App role ids already granted to the principal on the resource service principal.</summary>
        Task<IReadOnlyCollection<Guid>> GetGrantedRolesAsync(string principalId, string resourceId, CancellationToken cancellationToken);

        /// <summary>Grants one app role (admin consent for an application permission).</summary>
        Task GrantRoleAsync(string principalId, string resourceId, Guid appRoleId, CancellationToken cancellationToken);
    }
}
