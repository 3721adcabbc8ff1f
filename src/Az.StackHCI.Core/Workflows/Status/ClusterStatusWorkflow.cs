using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Cloud;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Workflows.Status
{
    /// <summary>The steps of Get-AzStackHCI in order; the progress bar follows from them.</summary>
    internal enum StatusStep
    {
        Sessions,
        Nodes,
        Cloud,
    }

    /// <summary>
    /// Reads a cluster's registration: every node at once (registration, connection, Arc, clock), and with a
    /// sign-in the cloud resource, arcSettings and which of the app's certificates each node holds. Changes nothing.
    /// A node that is down or unreachable is listed with the reason rather than failing the whole read.
    /// </summary>
    public sealed class ClusterStatusWorkflow
    {
        /// <summary>After this long without a sync the cluster is out of policy: new VMs cannot be created (the seed's 30-day rule).</summary>
        public static readonly TimeSpan SyncPolicy = TimeSpan.FromDays(30);

        private readonly INodeConnector _connector;
        private readonly IOperationReporter _reporter;
        private readonly EnvironmentCatalog _environments;

        public ClusterStatusWorkflow(INodeConnector connector, IOperationReporter reporter, EnvironmentCatalog? environments = null)
        {
            _connector = connector;
            _reporter = reporter;
            _environments = environments ?? new EnvironmentCatalog();
        }

        public async Task<ClusterStatus> RunAsync(ClusterStatusRequest request, CancellationToken cancellationToken)
        {
            CommonInput.ThrottleLimit(request.ThrottleLimit);
            var environment = CommonInput.Environment(request.EnvironmentName, _environments);
            if (request.SignIn is not null)
            {
                CommonInput.SignIn(environment, request.SignIn, "Reading the cluster's certificates from its Azure AD application uses Microsoft Graph");
            }

            var progress = new StepProgress<StatusStep>(_reporter, 1, "Reading the Azure Stack HCI registration");
            try
            {
                progress.Step(StatusStep.Sessions, "Opening sessions to every node");
                using var cluster = await ClusterConnection.OpenAsync(_connector, request.ComputerName, request.ThrottleLimit, _reporter, cancellationToken, requireAll: false).ConfigureAwait(false);
                progress.Step(StatusStep.Nodes, "Reading every node's registration, Arc state and clock");
                var nodesTask = ReadNodesAsync(cluster, request.ThrottleLimit, cancellationToken);
                var entryState = await NodeCommands.GetAzureStackHCIAsync(cluster.Entry, cancellationToken).ConfigureAwait(false);
                var arc = await NodeCommands.GetArcIntegrationAsync(cluster.Entry, cancellationToken).ConfigureAwait(false);
                var status = Describe(request.ComputerName, cluster.Cluster.Name, entryState, arc, DateTimeOffset.UtcNow);
                var nodes = await nodesTask.ConfigureAwait(false);
                foreach (var node in nodes)
                {
                    node.ArcStatus = arc?.NodeStatus(node.ComputerName);
                }

                status.Nodes.AddRange(nodes);
                status.Nodes.AddRange(cluster.Unreachable.Select(u => new NodeStatus(u.Name) { Error = u.Reason }));
                if (request.SignIn is not null && status.AzureResourceId is string resourceId)
                {
                    progress.Step(StatusStep.Cloud, "Logging in to Azure and reading the cluster resource");
                    try
                    {
                        var session = await AzureSignIn.SignInAsync(environment, request.SignIn, _reporter, cancellationToken, status.SubscriptionId).ConfigureAwait(false);
                        await JoinCloudAsync(status, resourceId, session, cluster, request.ThrottleLimit, cancellationToken).ConfigureAwait(false);
                    }
                    catch (HciException ex)
                    {
                        // What the nodes said stands; the cloud's part is missing, and the warning says why.
                        _reporter.Warning($"Could not read the cluster's Azure side ({ex.ErrorId}): {ex.Message}");
                    }
                }

                return status;
            }
            catch (Exception ex) when (NodeFailures.AsHci(ex) is HciException hci && !ReferenceEquals(hci, ex))
            {
                throw hci;
            }
            finally
            {
                progress.Complete();
            }
        }

        internal static ClusterStatus Describe(string computerName, string clusterName, NodeRegistration state, ArcIntegrationState? arc, DateTimeOffset now)
        {
            var target = state.IsRegistered ? Workflows.ResourceIds.ParseCluster(state.AzureResourceUri) : null;
            var status = new ClusterStatus
            {
                ComputerName = computerName,
                ClusterName = clusterName,
                RegistrationStatus = state.RegistrationStatus,
                ConnectionStatus = state.ConnectionStatus,
                AzureResourceId = target is null ? null : state.AzureResourceUri,
                SubscriptionId = target?.SubscriptionId,
                ResourceGroupName = target?.ResourceGroup,
                ResourceName = target?.Name,
                Region = state.Region,
                RegistrationDate = state.RegistrationDate,
                LastConnected = state.LastConnected,
                NextSync = state.NextSync,
                ArcStatus = arc?.ClusterArcStatus,
            };
            if (state.IsRegistered)
            {
                var left = (state.LastConnected ?? state.RegistrationDate ?? now) + SyncPolicy - now;
                status.DaysUntilOutOfPolicy = Math.Max(0, (int)Math.Floor(left.TotalDays));
                if (left <= TimeSpan.Zero)
                {
                    status.RegistrationStatus = "OutOfPolicy";
                }
            }

            return status;
        }

        private static async Task<IReadOnlyList<NodeStatus>> ReadNodesAsync(ClusterConnection cluster, int throttleLimit, CancellationToken cancellationToken)
        {
            var outcomes = await NodeFanOut.RunAsync(cluster.Nodes, n => n.ComputerName, async (node, token) =>
            {
                var state = await NodeCommands.GetAzureStackHCIAsync(node, token).ConfigureAwait(false);
                var offset = await NodeClock.MeasureOffsetAsync(node, token).ConfigureAwait(false);
                return (state, offset);
            }, throttleLimit, cancellationToken).ConfigureAwait(false);
            return outcomes.Select((o, i) => o.Succeeded
                ? new NodeStatus(cluster.Members[i])
                {
                    RegistrationStatus = o.Value.state.RegistrationStatus,
                    ConnectionStatus = o.Value.state.ConnectionStatus,
                    LastConnected = o.Value.state.LastConnected,
                    ClockOffset = o.Value.offset,
                }
                : new NodeStatus(cluster.Members[i]) { Error = o.Failure!.Message }).ToList();
        }

        /// <summary>The cloud resource's view, and each node's registration certificate among the app's credentials.</summary>
        private async Task JoinCloudAsync(ClusterStatus status, string resourceId, AzureSession session, ClusterConnection cluster, int throttleLimit, CancellationToken cancellationToken)
        {
            var arm = new ArmGateway(session, status.SubscriptionId!);
            var resource = await arm.GetResourceAsync(resourceId, ApiVersions.Clusters, cancellationToken).ConfigureAwait(false);
            if (resource is null)
            {
                status.CloudStatus = "NotFound";
                _reporter.Warning($"The Azure resource {resourceId} the cluster is registered with does not exist. Run Unregister-AzStackHCI, then Register-AzStackHCI again.");
                return;
            }

            var properties = resource["properties"];
            status.CloudStatus = properties?["status"]?.GetValue<string>();
            status.Region = resource["location"]?.GetValue<string>() ?? status.Region;
            status.LastSyncTimestamp = DateTimeOffset.TryParse(properties?["lastSyncTimestamp"]?.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var synced) ? synced : (DateTimeOffset?)null;
            if (properties?["aadClientId"]?.GetValue<string>() is not { Length: > 0 } appId)
            {
                return;
            }

            var graph = new GraphGateway(session);
            var application = await graph.FindApplicationByAppIdAsync(appId, cancellationToken).ConfigureAwait(false);
            if (application is null)
            {
                return;
            }

            var keys = (await graph.GetApplicationWithKeysAsync(application.ObjectId, cancellationToken).ConfigureAwait(false)).Keys
                .Where(k => k.Certificate is not null)
                .Select(k => new X509Certificate2(k.Certificate!))
                .ToList();
            var thumbprints = keys.Select(k => k.Thumbprint).ToList();
            var held = await NodeFanOut.RunAsync(cluster.Nodes, n => n.ComputerName,
                (node, token) => NodeCommands.FindLocalMachineCertificatesAsync(node, thumbprints, token), throttleLimit, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < held.Count; i++)
            {
                var certificate = held[i].Succeeded ? held[i].Value.OrderByDescending(c => c.NotAfter).FirstOrDefault() : null;
                var node = status.Nodes.First(n => n.ComputerName == cluster.Members[i]);
                node.CertificateThumbprint = certificate?.Thumbprint;
                node.CertificateExpiry = certificate?.NotAfter;
            }
        }
    }
}
