using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Az.StackHCI.Core.Environments;

namespace Az.StackHCI.Core.Identity
{
    /// <summary>Who is signed in where, as Get-AzStackHCIContext shows it.</summary>
    public sealed class SignInContext
    {
        internal SignInContext(SignedInIdentity identity)
        {
            EnvironmentName = identity.Environment.Name;
            Account = identity.Account;
            TenantId = identity.TenantId;
            Method = identity.Method;
            SignedInAt = identity.SignedInAt;
            IsUser = identity.IsUser;
        }

        public string EnvironmentName { get; }

        public string Account { get; }

        public string TenantId { get; }

        public SignInMethod Method { get; }

        public DateTimeOffset SignedInAt { get; }

        /// <summary>A user, not an application signing in as itself.</summary>
        public bool IsUser { get; }
    }

    /// <summary>
    /// The sign-ins of this PowerShell process, so a session signs in once: every runspace (a pipeline of clusters,
    /// ForEach-Object -Parallel) sees the same ones, because the engine is loaded once per process. Each holds the
    /// Azure.Identity credential, whose in-memory token cache refreshes tokens silently; tokens never reach a
    /// PowerShell variable. Only one sign-in runs at a time, so parallel commands wait for one prompt, not many.
    /// </summary>
    public static class SignedInIdentities
    {
        private static readonly object Gate = new object();
        private static readonly List<SignedInIdentity> Remembered = new List<SignedInIdentity>();

        internal static readonly SemaphoreSlim SigningIn = new SemaphoreSlim(1, 1);

        /// <summary>The sign-ins held, newest first; of one environment when <paramref name="environmentName"/> is given.</summary>
        public static IReadOnlyList<SignInContext> List(string? environmentName = null)
        {
            lock (Gate)
            {
                return Remembered.Where(i => environmentName is null || Same(i.Environment.Name, environmentName))
                    .Reverse().Select(i => new SignInContext(i)).ToList();
            }
        }

        /// <summary>Forgets the sign-ins (of one environment when given), so the next command signs in anew; returns what was forgotten.</summary>
        public static IReadOnlyList<SignInContext> Forget(string? environmentName = null)
        {
            lock (Gate)
            {
                var forgotten = Remembered.Where(i => environmentName is null || Same(i.Environment.Name, environmentName)).ToList();
                Remembered.RemoveAll(forgotten.Contains);
                return forgotten.AsEnumerable().Reverse().Select(i => new SignInContext(i)).ToList();
            }
        }

        /// <summary>
        /// The newest sign-in to <paramref name="environment"/> of the identity <paramref name="identityKey"/> (any
        /// identity when null) in <paramref name="tenantId"/> (any tenant when null).
        /// </summary>
        internal static SignedInIdentity? Find(HciEnvironment environment, string? identityKey, string? tenantId)
        {
            lock (Gate)
            {
                return Remembered.LastOrDefault(i =>
                    Same(i.Environment.Name, environment.Name) && i.Environment.ActiveDirectoryAuthority == environment.ActiveDirectoryAuthority
                    && (identityKey is null || i.IdentityKey == identityKey)
                    && (string.IsNullOrEmpty(tenantId) || Same(i.TenantId, tenantId!) || (i.RequestedTenant is string named && Same(named, tenantId!))));
            }
        }

        internal static void Forget(SignedInIdentity identity)
        {
            lock (Gate)
            {
                Remembered.Remove(identity);
            }
        }

        /// <summary>Keeps a new sign-in, in place of an older one of the same identity, environment and tenant.</summary>
        internal static void Remember(SignedInIdentity identity)
        {
            lock (Gate)
            {
                Remembered.RemoveAll(i => Same(i.Environment.Name, identity.Environment.Name) && i.IdentityKey == identity.IdentityKey && Same(i.TenantId, identity.TenantId));
                Remembered.Add(identity);
            }
        }

        private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
    }
}
