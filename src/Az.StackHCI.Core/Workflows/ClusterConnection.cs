using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Workflows
{
    /// <summary>
    /// Sessions to a whole cluster: the entry node the user named, then every node of the cluster at once (by
    /// name.domain, as the cluster reports itself). Refuses when a node is down or unreachable, naming it.
    /// Disposing closes every session.
    /// </summary>
    internal sealed class ClusterConnection : IDisposable
    {
        private readonly List<IDisposable> _held = new List<IDisposable>();

        private ClusterConnection(INodeSession entry, ClusterInfo cluster, IReadOnlyList<INodeSession> nodes, IReadOnlyList<string> members, IReadOnlyList<(string Name, string Reason)> unreachable)
        {
            Entry = entry;
            Cluster = cluster;
            Nodes = nodes;
            Members = members;
            Unreachable = unreachable;
        }

        /// <summary>Nodes that are down or could not be reached (only when opened with requireAll false), and why.</summary>
        public IReadOnlyList<(string Name, string Reason)> Unreachable { get; }

        /// <summary>The nodes' own (short) names, in the order of <see cref="Nodes"/>.</summary>
        public IReadOnlyList<string> Members { get; }

        public INodeSession Entry { get; }

        public ClusterInfo Cluster { get; }

        public IReadOnlyList<INodeSession> Nodes { get; }

        /// <param name="requireAll">False for read-only work: nodes that are down or unreachable are listed in <see cref="Unreachable"/> instead of refused.</param>
        /// <param name="onEntry">Runs once the entry node has described the cluster, before the other sessions open.</param>
        public static async Task<ClusterConnection> OpenAsync(INodeConnector connector, string computerName, int throttleLimit, IOperationReporter reporter, CancellationToken cancellationToken,
            bool requireAll = true, Func<INodeSession, ClusterInfo, CancellationToken, Task>? onEntry = null)
        {
            var entry = await Connect(connector, computerName, reporter, cancellationToken).ConfigureAwait(false);
            var opened = new List<INodeSession>();
            try
            {
                ClusterInfo cluster;
                try
                {
                    cluster = await NodeCommands.GetClusterAsync(entry, cancellationToken).ConfigureAwait(false);
                }
                catch (NodeCommandException ex)
                {
                    throw new HciException("NotAClusterNode", HciErrorCategory.InvalidArgument, computerName,
                        string.Format(Workflows.Registration.RegistrationMessages.NotACluster, computerName) + " (" + ex.Message + ")", ex);
                }

                if (string.IsNullOrEmpty(cluster.Name))
                {
                    throw new HciException("NotAClusterNode", HciErrorCategory.InvalidArgument, computerName, string.Format(Workflows.Registration.RegistrationMessages.NotACluster, computerName));
                }

                var members = await NodeCommands.GetClusterNodesAsync(entry, cancellationToken).ConfigureAwait(false);
                var down = members.Where(m => !string.Equals(m.State, "Up", StringComparison.OrdinalIgnoreCase)).Select(m => m.Name).ToList();
                if (down.Count > 0 && requireAll)
                {
                    throw new HciException("ClusterNodeDown", HciErrorCategory.ConnectionError, string.Join(", ", down),
                        $"Node(s) {string.Join(", ", down)} of cluster {cluster.Name} are not up. Bring every clustered node up (or remove it from the cluster) and try again.");
                }

                if (onEntry is not null)
                {
                    await onEntry(entry, cluster, cancellationToken).ConfigureAwait(false);
                }

                var up = members.Where(m => !down.Contains(m.Name)).ToList();
                var suffix = await NodeCommands.GetDnsSuffixAsync(entry, cancellationToken).ConfigureAwait(false) ?? cluster.Domain;
                var names = up.Select(m => string.IsNullOrEmpty(suffix) ? m.Name : $"{m.Name}.{suffix}").ToList();
                reporter.Verbose($"Cluster {cluster.Name} has node(s) {string.Join(", ", names)}; opening a session to each.");
                // The entry node's own session serves that node too: one remote PowerShell fewer to start.
                bool IsEntry(int i) => string.Equals(entry.ComputerName, up[i].Name, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(entry.ComputerName, names[i], StringComparison.OrdinalIgnoreCase);
                var outcomes = await NodeFanOut.RunAsync(Enumerable.Range(0, names.Count), i => names[i],
                    (i, token) => IsEntry(i) ? Task.FromResult<INodeSession>(new EntryAlias(entry, names[i])) : Connect(connector, names[i], reporter, token),
                    throttleLimit, cancellationToken).ConfigureAwait(false);
                opened.AddRange(outcomes.Where(o => o.Succeeded).Select(o => o.Value));
                var unreachable = outcomes.Where(o => !o.Succeeded).ToList();
                if (unreachable.Count > 0 && requireAll)
                {
                    throw new HciException("NodeUnreachable", HciErrorCategory.ConnectionError, string.Join(", ", unreachable.Select(u => u.ComputerName)),
                        $"Could not open a PowerShell session to node(s) {string.Join(", ", unreachable.Select(u => u.ComputerName))}: {string.Join(" ", unreachable.Select(u => Reason(u.Failure!)))} Make sure every clustered node is up and reachable over PowerShell remoting from this computer.");
                }

                var reached = outcomes.Select((o, i) => (o, up[i].Name)).Where(x => x.o.Succeeded).Select(x => x.Name).ToList();
                var missing = down.Select(d => (d, "The cluster reports the node as not up."))
                    .Concat(outcomes.Select((o, i) => (o, up[i].Name)).Where(x => !x.o.Succeeded).Select(x => (x.Name, Reason(x.o.Failure!)))).ToList();
                return new ClusterConnection(entry, cluster, opened, reached, missing);
            }
            catch
            {
                foreach (var session in opened.Append(entry))
                {
                    session.Dispose();
                }

                throw;
            }
        }

        /// <summary>Something to release with the sessions (a <see cref="ClusterLock"/>).</summary>
        public void Hold(IDisposable resource) => _held.Add(resource);

        public void Dispose()
        {
            foreach (var session in Nodes.Append(Entry))
            {
                session.Dispose();
            }

            foreach (var resource in _held)
            {
                resource.Dispose();
            }
        }

        private static async Task<INodeSession> Connect(INodeConnector connector, string name, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            try
            {
                return new ResilientNodeSession(connector, await connector.ConnectAsync(name, cancellationToken).ConfigureAwait(false), reporter.Verbose);
            }
            catch (NodeUnreachableException ex)
            {
                throw new HciException("NodeUnreachable", HciErrorCategory.ConnectionError, name, ex.Message + " Check the name, that the node is up, and that PowerShell remoting to it works from this computer.", ex);
            }
        }

        /// <summary>The entry session under the node's cluster name; closing it is the entry's business.</summary>
        private sealed class EntryAlias : INodeSession
        {
            private readonly INodeSession _entry;

            public EntryAlias(INodeSession entry, string computerName)
            {
                _entry = entry;
                ComputerName = computerName;
            }

            public string ComputerName { get; }

            public Task<NodeCommandResult> InvokeAsync(NodeInvocation invocation, CancellationToken cancellationToken) =>
                _entry.InvokeAsync(invocation, cancellationToken);

            public void Dispose()
            {
            }
        }

        private static string Reason(Exception failure) => (failure.InnerException ?? failure) is NodeUnreachableException u ? $"{u.ComputerName}: {u.Reason}" : failure.Message;
    }
}
