using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Resilience;
using Azure.Core;
using Azure.Identity;

namespace Az.StackHCI.Core.Identity
{
    /// <summary>The Azure.Identity credential a <see cref="SignInRequest"/> asks for, and the key that tells identities apart.</summary>
    internal static class Credentials
    {
        public static (TokenCredential Credential, SignInMethod Method) Create(HciEnvironment environment, SignInRequest request, IOperationReporter reporter, SdkRetryPolicy retries)
        {
            T Configure<T>(T options) where T : TokenCredentialOptions
            {
                options.AuthorityHost = environment.ActiveDirectoryAuthority;
                return retries.Apply(options);
            }

            // Instance discovery asks the public cloud about the authority; custom clouds are not known there.
            var noDiscovery = !environment.IsBuiltIn;
            if (!string.IsNullOrEmpty(request.ArmAccessToken))
            {
                return (new SuppliedTokens(environment, request.ArmAccessToken!, request.GraphAccessToken, DateTimeOffset.UtcNow), SignInMethod.AccessToken);
            }

            if (request.UseManagedIdentity)
            {
                var id = string.IsNullOrEmpty(request.ClientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(request.ClientId);
                return (new ManagedIdentityCredential(Configure(new ManagedIdentityCredentialOptions(id))), SignInMethod.ManagedIdentity);
            }

            if (!string.IsNullOrEmpty(request.FederatedTokenFile))
            {
                // The file is read at every token request, so a CI job's refreshed token is picked up (Azure.Identity's own behaviour).
                return (new WorkloadIdentityCredential(Configure(new WorkloadIdentityCredentialOptions
                {
                    TenantId = RequireTenant(request),
                    ClientId = request.ClientId,
                    TokenFilePath = request.FederatedTokenFile,
                    DisableInstanceDiscovery = noDiscovery,
                })), SignInMethod.FederatedToken);
            }

            if (!string.IsNullOrEmpty(request.ClientId) && !string.IsNullOrEmpty(request.ClientSecret))
            {
                return (new ClientSecretCredential(RequireTenant(request), request.ClientId, request.ClientSecret,
                    Configure(new ClientSecretCredentialOptions { DisableInstanceDiscovery = noDiscovery })), SignInMethod.ClientSecret);
            }

            if (!string.IsNullOrEmpty(request.ClientId) && !string.IsNullOrEmpty(request.CertificatePath))
            {
                return (new ClientCertificateCredential(RequireTenant(request), request.ClientId, request.CertificatePath,
                    Configure(new ClientCertificateCredentialOptions { DisableInstanceDiscovery = noDiscovery, SendCertificateChain = false })), SignInMethod.ClientCertificate);
            }

            if (!request.UseDeviceCode && BrowserCanOpen())
            {
                reporter.Verbose("Opening the browser to sign in (use -UseDeviceAuthentication for a device code instead).");
                return (new InteractiveBrowserCredential(Configure(new InteractiveBrowserCredentialOptions
                {
                    TenantId = request.TenantId,
                    DisableInstanceDiscovery = noDiscovery,
                    LoginHint = request.AccountId,
                })), SignInMethod.Browser);
            }

            return (new DeviceCodeCredential(Configure(new DeviceCodeCredentialOptions
            {
                TenantId = request.TenantId,
                DisableInstanceDiscovery = noDiscovery,
                DeviceCodeCallback = (info, _) =>
                {
                    (CommandReporter.Current ?? reporter).Warning(info.Message);
                    return Task.CompletedTask;
                },
            })), SignInMethod.DeviceCode);
        }

        /// <summary>
        /// Who a request signs in as, to tell whether a remembered sign-in is the same identity: the kind, the
        /// application and, where a secret or file proves it, a hash of that (so a corrected secret signs in anew).
        /// A user is "user": whoever signed in interactively.
        /// </summary>
        public static string IdentityKey(SignInRequest request)
        {
            if (request.UseManagedIdentity)
            {
                return $"managed:{request.ClientId}";
            }

            if (request.ArmAccessToken is not null)
            {
                return $"tokens:{Hash(request.ArmAccessToken)}";
            }

            return request.ClientId is null
                ? "user"
                : $"app:{request.ClientId.ToLowerInvariant()}:{Hash(request.ClientSecret ?? request.FederatedTokenFile ?? request.CertificatePath ?? "")}";
        }

        /// <summary>
        /// A browser can open on Windows and macOS in an interactive session, and on Linux where a desktop is
        /// (DISPLAY or WAYLAND_DISPLAY); an SSH session or a CI job gets the device code, as Microsoft's module does.
        /// </summary>
        internal static bool BrowserCanOpen()
        {
            if (!Environment.UserInteractive || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SSH_CONNECTION")))
            {
                return false;
            }

            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
            {
                return true;
            }

            return !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));
        }

        private static string Hash(string proof)
        {
            using var sha = SHA256.Create();
            return Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(proof))).Substring(0, 16);
        }

        private static string RequireTenant(SignInRequest request) =>
            string.IsNullOrEmpty(request.TenantId)
                ? throw new HciException("TenantIdRequired", HciErrorCategory.InvalidArgument, "TenantId",
                    "A service principal signs in to one tenant: give -TenantId.")
                : request.TenantId!;
    }
}
