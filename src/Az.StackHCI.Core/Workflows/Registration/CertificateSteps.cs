using System;
using System.Collections.Generic;
using System.Globalization;
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
    /// Every node at once: each makes its own certificate (its private key never leaves it), all public parts
    /// become the application's key credentials in one write (Graph for the user's own application, the provider's
    /// uploadCertificate for its own), then each node proves its certificate to the
    /// cloud — retried while the directory replicates the new keys, never with fixed sleeps. With
    /// <c>-CertificateThumbprint</c> the user's certificate, already on every node, is used instead: one key
    /// credential (the first node's copy) and that thumbprint set on every node.
    /// </summary>
    internal sealed class CertificateSteps
    {
        private readonly RegistrationContext _context;
        private readonly StepProgress<RegistrationStep> _progress;

        public CertificateSteps(RegistrationContext context, StepProgress<RegistrationStep> progress)
        {
            _context = context;
            _progress = progress;
        }

        /// <summary>Microsoft's texts (error 9109).</summary>
        internal const string CertificateNotFoundMessage = "Certificate with thumbprint {0} not found on node(s) {1}. Make sure the certificate has been added to the certificate store on every clustered node.";

        internal const string CertificateExpiresSoonMessage = "Can't use certificate with thumbprint {0} because it expires in less than 60 days, on {1}. Certificates must be valid for at least 60 days.";

        internal const string CertificateWithoutKeyMessage = "Can't use certificate with thumbprint {0} because node(s) {1} do not have its private key. Import the certificate with its private key into the LocalMachine certificate store of every clustered node.";

        /// <summary>A user certificate must stay valid at least this long.</summary>
        internal static readonly TimeSpan MinimumValidity = TimeSpan.FromDays(60);

        /// <summary>
        /// Pre-flight for <c>-CertificateThumbprint</c>: the certificate must be in a LocalMachine store of every node
        /// (all asked at once) and valid for 60 more days. Changes nothing. Returns the first node's public part (the
        /// one key credential to add), or null without a thumbprint.
        /// </summary>
        /// <exception cref="HciException">CertificateNotFoundOnNode (every node lacking it), CertificateExpiresSoon,
        /// CertificatePrivateKeyMissing, CertificateCheckFailed (a node could not be asked).</exception>
        public static Task<X509Certificate2?> CheckUserCertificateAsync(RegistrationContext context, CancellationToken cancellationToken) =>
            context.Request.CertificateThumbprint is { Length: > 0 } thumbprint
                ? CheckUserCertificateAsync(context.Cluster.Nodes, thumbprint, context.Request.ThrottleLimit, DateTimeOffset.UtcNow, cancellationToken)!
                : Task.FromResult<X509Certificate2?>(null);

        internal static async Task<X509Certificate2?> CheckUserCertificateAsync(IReadOnlyList<INodeSession> nodes, string thumbprint, int throttleLimit, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var wanted = thumbprint.ToUpperInvariant();
            var found = await NodeFanOut.RunAsync(nodes, n => n.ComputerName,
                (node, token) => NodeCommands.FindLocalMachineCertificateAsync(node, wanted, token), throttleLimit, cancellationToken).ConfigureAwait(false);
            var failed = found.Where(f => !f.Succeeded).ToList();
            if (failed.Count > 0)
            {
                throw new HciException("CertificateCheckFailed", HciErrorCategory.ConnectionError, string.Join(", ", failed.Select(f => f.ComputerName)),
                    $"Could not look for the certificate with thumbprint {wanted} on node(s) {string.Join(", ", failed.Select(f => f.ComputerName))}: {string.Join(" ", failed.Select(f => f.Failure!.Message))}",
                    failed[0].Failure);
            }

            var missing = found.Where(f => f.Value is null).Select(f => f.ComputerName).ToList();
            if (missing.Count > 0)
            {
                throw new HciException("CertificateNotFoundOnNode", HciErrorCategory.ObjectNotFound, string.Join(", ", missing),
                    string.Format(CertificateNotFoundMessage, wanted, string.Join(", ", missing)));
            }

            var expiring = found.Where(f => f.Value!.NotAfter < now + MinimumValidity).ToList();
            if (expiring.Count > 0)
            {
                throw new HciException("CertificateExpiresSoon", HciErrorCategory.InvalidArgument, wanted,
                    string.Format(CertificateExpiresSoonMessage, wanted, expiring[0].Value!.NotAfter.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)));
            }

            var withoutKey = found.Where(f => f.Value!.HasPrivateKey == false).Select(f => f.ComputerName).ToList();
            if (withoutKey.Count > 0)
            {
                throw new HciException("CertificatePrivateKeyMissing", HciErrorCategory.InvalidArgument, string.Join(", ", withoutKey),
                    string.Format(CertificateWithoutKeyMessage, wanted, string.Join(", ", withoutKey)));
            }

            return found.Count == 0 ? null : new X509Certificate2(found[0].Value!.RawData);
        }

        /// <summary>Per-node results with thumbprints; null when the change was declined.</summary>
        public async Task<IReadOnlyList<NodeResult>?> RunAsync(ClusterIdentity identity, JsonObject cluster, CancellationToken cancellationToken)
        {
            var nodes = _context.Cluster.Nodes;
            var reporter = _context.Reporter;
            var names = string.Join(", ", nodes.Select(n => n.ComputerName));

            // The user's certificate, checked again here (cheap, read-only): pre-flight checks it before any cloud
            // change, and this is where its public part is taken from.
            var userCertificate = await CheckUserCertificateAsync(_context, cancellationToken).ConfigureAwait(false);
            var action = userCertificate is null
                ? $"Create a registration certificate on each node and add it to the application {identity.AppId}{Through(identity)}"
                : $"Add the certificate {userCertificate.Thumbprint} to the application {identity.AppId}{Through(identity)} and set it on each node";
            if (!await _context.Changes.AllowAsync(names, action, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var throttle = _context.Request.ThrottleLimit;
            int Index(string computerName) => nodes.Select(n => n.ComputerName).ToList().IndexOf(computerName);
            var generateFailed = new List<string>();
            List<(string ComputerName, X509Certificate2 Certificate)> certificates;
            if (userCertificate is null)
            {
                var created = await NodeFanOut.RunAsync(nodes, n => n.ComputerName, async (node, token) =>
                {
                    _progress.Node(Index(node.ComputerName), node.ComputerName, "Creating a registration certificate");
                    var der = await NodeCommands.NewRegistrationCertificateAsync(node, token).ConfigureAwait(false);
                    _progress.Node(Index(node.ComputerName), node.ComputerName, "Certificate created");
                    return new X509Certificate2(der);
                }, throttle, cancellationToken).ConfigureAwait(false);
                generateFailed.AddRange(created.Where(c => !c.Succeeded).Select(c => c.ComputerName));
                foreach (var failure in created.Where(c => !c.Succeeded))
                {
                    reporter.Warning($"{failure.ComputerName}: {failure.Failure!.Message}");
                }

                certificates = created.Where(c => c.Succeeded).Select(c => (c.ComputerName, c.Value)).ToList();
            }
            else
            {
                // One certificate for the whole cluster: every node has it (checked above), the first node's copy is added.
                certificates = nodes.Select(n => (n.ComputerName, userCertificate)).ToList();
            }

            var keys = certificates.Select(c => c.Certificate).GroupBy(c => c.Thumbprint, StringComparer.OrdinalIgnoreCase).Select(g => g.First()).ToList();
            if (keys.Count > 0)
            {
                reporter.Verbose($"Adding {keys.Count} certificate(s) as credentials of the application {identity.AppId}{Through(identity)}.");
                if (identity.Flow == IdentityFlow.ServiceManaged)
                {
                    await UploadAsync(keys, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await AddKeysAsync(identity.ApplicationObjectId, keys, cancellationToken).ConfigureAwait(false);
                }
            }

            var parameters = NodeParameters.Common(_context, identity.AppId, cluster);
            var set = await NodeFanOut.RunAsync(certificates, c => c.ComputerName, async (certificate, token) =>
            {
                var node = nodes.First(n => n.ComputerName == certificate.ComputerName);
                var thumbprint = certificate.Certificate.Thumbprint;
                _progress.Node(Index(node.ComputerName), node.ComputerName, "Setting and verifying the certificate with the cloud");
                // As Microsoft's callers: the thumbprint only for the user's certificate; otherwise the node uses the
                // one New-AzureStackHCIRegistrationCertificate just made (MS 2.x: "User is responsible for managing
                // the certificate" only in the -CertificateThumbprint case).
                var nodeParameters = new Dictionary<string, object?>(parameters);
                if (userCertificate is not null)
                {
                    nodeParameters["CertificateThumbprint"] = thumbprint;
                }

                await Polling.RetryAsync(
                    t => NodeCommands.SetRegistrationCertificateAsync(node, nodeParameters, t),
                    IsReplicationDelay,
                    (attempt, ex) => reporter.Verbose($"{node.ComputerName}: the cloud does not know the new certificate yet ({FirstLine(ex.Message)}); retry {attempt}."),
                    token).ConfigureAwait(false);
                if (userCertificate is null)
                {
                    await RemoveEarlierCertificatesAsync(node, certificate.Certificate, token).ConfigureAwait(false);
                }

                _progress.Node(Index(node.ComputerName), node.ComputerName, "Certificate set", completed: true);
                return thumbprint;
            }, throttle, cancellationToken).ConfigureAwait(false);
            var setFailed = set.Where(s => !s.Succeeded).Select(s => s.ComputerName).ToList();
            foreach (var failure in set.Where(s => !s.Succeeded))
            {
                reporter.Warning($"{failure.ComputerName}: {failure.Failure!.Message}");
            }

            if (generateFailed.Count > 0 || setFailed.Count > 0)
            {
                var failed = generateFailed.Concat(setFailed).Distinct().ToList();
                throw new HciException("SettingCertificateFailed", HciErrorCategory.ConnectionError, string.Join(", ", failed),
                    string.Format(RegistrationMessages.CertificatesFailed, List(generateFailed), List(setFailed)));
            }

            return set.Select(s => new NodeResult(s.ComputerName, "CertificateSet") { CertificateThumbprint = s.Value }).ToList();
        }

        /// <summary>Certificates of earlier or interrupted runs go once the new one works; failing to remove them only warns.</summary>
        private async Task RemoveEarlierCertificatesAsync(INodeSession node, X509Certificate2 current, CancellationToken cancellationToken)
        {
            try
            {
                var removed = await NodeCommands.RemoveEarlierRegistrationCertificatesAsync(node, current, cancellationToken).ConfigureAwait(false);
                if (removed.Count > 0)
                {
                    _context.Reporter.Verbose($"{node.ComputerName}: removed earlier registration certificate(s) {string.Join(", ", removed)}.");
                }
            }
            catch (NodeCommandException ex)
            {
                _context.Reporter.Warning($"{node.ComputerName}: could not remove earlier registration certificates: {ex.Message}");
            }
        }

        private static string Through(ClusterIdentity identity) =>
            identity.Flow == IdentityFlow.ServiceManaged ? " through the resource provider (uploadCertificate)" : "";

        /// <summary>
        /// The provider's application takes keys only from the provider: every public part in one uploadCertificate
        /// (MS 2.x Setup-Certificates: all nodes' certificates at once, base64 DER), a long-running operation.
        /// </summary>
        private async Task UploadAsync(IReadOnlyList<X509Certificate2> certificates, CancellationToken cancellationToken)
        {
            var body = new JsonObject
            {
                ["properties"] = new JsonObject { ["certificates"] = new JsonArray(certificates.Select(c => (JsonNode)Convert.ToBase64String(c.RawData)).ToArray()) },
            };
            await _context.Arm.InvokeActionAsync(_context.Target.ResourceId, "uploadCertificate", ApiVersions.Clusters, body, _context.Reporter, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// One Graph write: the new keys plus the valid ones the application has, except earlier keys of the same
        /// nodes (same subject) and, when repairing, all earlier keys — so failed runs do not pile credentials up.
        /// </summary>
        private async Task AddKeysAsync(string applicationObjectId, IReadOnlyList<X509Certificate2> certificates, CancellationToken cancellationToken)
        {
            var now = DateTimeOffset.UtcNow;
            var current = await _context.Graph.GetApplicationWithKeysAsync(applicationObjectId, cancellationToken).ConfigureAwait(false);
            var subjects = new HashSet<string>(certificates.Select(c => c.Subject), StringComparer.OrdinalIgnoreCase);
            var kept = _context.Request.RepairRegistration
                ? new List<AppKey>()
                : current.Keys.Where(k => (k.End is null || k.End > now) && !(k.DisplayName is string name && subjects.Contains(name))
                    && !(k.Certificate is byte[] key && certificates.Any(c => c.RawData.SequenceEqual(key)))).ToList();
            var added = certificates.Select(c => new AppKey(
                Guid.NewGuid(),
                c.RawData,
                Later(now, c.NotBefore.ToUniversalTime()),
                new DateTimeOffset(c.NotAfter.ToUniversalTime()),
                c.Subject));
            await _context.Graph.SetKeysAsync(applicationObjectId, kept.Concat(added), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Failures that go away once the directory has replicated the new keys or role grants.</summary>
        private static bool IsReplicationDelay(Exception ex) =>
            ex is NodeCommandException && (ex.Message.Contains("AADSTS700016") || ex.Message.Contains("AADSTS7000229")
                || (ex.Message.Contains("AADSTS700027") && ex.Message.Contains("not registered"))
                || ex.Message.Contains("MissingAdminConsent"));

        private static DateTimeOffset Later(DateTimeOffset a, DateTime b) => a > new DateTimeOffset(b) ? a : new DateTimeOffset(b);

        private static string List(IReadOnlyList<string> names) => names.Count == 0 ? "(none)" : string.Join(", ", names);

        private static string FirstLine(string text) => text.Split('\n')[0].Trim();
    }
}
