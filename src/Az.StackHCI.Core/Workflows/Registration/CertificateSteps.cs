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
    /// Every node at once: each makes its own certificate (its private key never leaves it), all public parts
    /// become the application's key credentials in one Graph write, then each node proves its certificate to the
    /// cloud — retried while the directory replicates the new keys, never with fixed sleeps.
    /// </summary>
    internal sealed class CertificateSteps
    {
        private readonly RegistrationContext _context;
        private readonly StepProgress _progress;

        public CertificateSteps(RegistrationContext context, StepProgress progress)
        {
            _context = context;
            _progress = progress;
        }

        /// <summary>Per-node results with thumbprints; null when the change was declined.</summary>
        public async Task<IReadOnlyList<NodeResult>?> RunAsync(DirectoryApplication application, JsonObject cluster, CancellationToken cancellationToken)
        {
            var nodes = _context.Cluster.Nodes;
            var reporter = _context.Reporter;
            var names = string.Join(", ", nodes.Select(n => n.ComputerName));
            if (!await reporter.ShouldProcessAsync(names, $"Create a registration certificate on each node and add it to the application {application.AppId}", CancellationToken.None).ConfigureAwait(false))
            {
                return null;
            }

            var throttle = _context.Request.ThrottleLimit;
            int Index(string computerName) => nodes.Select(n => n.ComputerName).ToList().IndexOf(computerName);
            var created = await NodeFanOut.RunAsync(nodes, n => n.ComputerName, async (node, token) =>
            {
                _progress.Node(Index(node.ComputerName), node.ComputerName, "Creating a registration certificate");
                var der = await NodeCommands.NewRegistrationCertificateAsync(node, token).ConfigureAwait(false);
                _progress.Node(Index(node.ComputerName), node.ComputerName, "Certificate created");
                return new X509Certificate2(der);
            }, throttle, cancellationToken).ConfigureAwait(false);
            var generateFailed = created.Where(c => !c.Succeeded).Select(c => c.ComputerName).ToList();
            foreach (var failure in created.Where(c => !c.Succeeded))
            {
                reporter.Warning($"{failure.ComputerName}: {failure.Failure!.Message}");
            }

            var certificates = created.Where(c => c.Succeeded).ToList();
            if (certificates.Count > 0)
            {
                reporter.Verbose($"Adding {certificates.Count} certificate(s) as credentials of the application {application.AppId}.");
                await AddKeysAsync(application, certificates.Select(c => c.Value).ToList(), cancellationToken).ConfigureAwait(false);
            }

            var parameters = NodeParameters.Common(_context, application.AppId, cluster);
            var set = await NodeFanOut.RunAsync(certificates, c => c.ComputerName, async (certificate, token) =>
            {
                var node = nodes.First(n => n.ComputerName == certificate.ComputerName);
                _progress.Node(Index(node.ComputerName), node.ComputerName, "Setting and verifying the certificate with the cloud");
                var nodeParameters = new Dictionary<string, object?>(parameters) { ["CertificateThumbprint"] = certificate.Value.Thumbprint };
                await Polling.RetryAsync(
                    t => NodeCommands.SetRegistrationCertificateAsync(node, nodeParameters, t),
                    IsReplicationDelay,
                    (attempt, ex) => reporter.Verbose($"{node.ComputerName}: the cloud does not know the new certificate yet ({FirstLine(ex.Message)}); retry {attempt}."),
                    token).ConfigureAwait(false);
                _progress.Node(Index(node.ComputerName), node.ComputerName, "Certificate set", completed: true);
                return certificate.Value.Thumbprint;
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

        /// <summary>
        /// One Graph write: the new keys plus the valid ones the application has, except earlier keys of the same
        /// nodes (same subject) and, when repairing, all earlier keys — so failed runs do not pile credentials up.
        /// </summary>
        private async Task AddKeysAsync(DirectoryApplication application, IReadOnlyList<X509Certificate2> certificates, CancellationToken cancellationToken)
        {
            var now = DateTimeOffset.UtcNow;
            var current = await _context.Graph.GetApplicationWithKeysAsync(application.ObjectId, cancellationToken).ConfigureAwait(false);
            var subjects = new HashSet<string>(certificates.Select(c => c.Subject), StringComparer.OrdinalIgnoreCase);
            var kept = _context.Request.RepairRegistration
                ? new List<AppKey>()
                : current.Keys.Where(k => (k.End is null || k.End > now) && !(k.DisplayName is string name && subjects.Contains(name))).ToList();
            var added = certificates.Select(c => new AppKey(
                Guid.NewGuid(),
                c.RawData,
                Later(now, c.NotBefore.ToUniversalTime()),
                new DateTimeOffset(c.NotAfter.ToUniversalTime()),
                c.Subject));
            await _context.Graph.SetKeysAsync(application.ObjectId, kept.Concat(added), cancellationToken).ConfigureAwait(false);
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
