using System;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Workflows
{
    /// <summary>
    /// Opens the sessions to a cluster while signing in. The entry node is asked first, so that what it alone can
    /// refuse (the cluster's state, the registration's values) is refused before any sign-in; then signing in and
    /// opening the other nodes' sessions run at once: both take seconds (a device code waits for the user) and
    /// neither needs the other. When one fails, the other is stopped and cleaned up. Only the commands that change a
    /// cluster come here: they hold the cluster's <see cref="ClusterLock"/> from the entry node's answer until the
    /// connection is closed.
    /// </summary>
    internal static class ClusterAndSignIn
    {
        public static async Task<(ClusterConnection Cluster, AzureSession Session, T Checked)> OpenAsync<T>(
            INodeConnector connector, string computerName, int throttleLimit, IOperationReporter reporter,
            Func<INodeSession, ClusterInfo, CancellationToken, Task<T>> check, Func<CancellationToken, Task<AzureSession>> signIn, CancellationToken cancellationToken)
        {
            using var signingIn = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task<AzureSession>? session = null;
            T checkedValue = default!;
            IDisposable? clusterLock = null;
            ClusterConnection cluster;
            try
            {
                cluster = await ClusterConnection.OpenAsync(connector, computerName, throttleLimit, reporter, cancellationToken, onEntry: async (entry, info, token) =>
                {
                    clusterLock = ClusterLock.Acquire(info);
                    checkedValue = await check(entry, info, token).ConfigureAwait(false);
                    session = signIn(signingIn.Token);
                }).ConfigureAwait(false);
            }
            catch
            {
                clusterLock?.Dispose();
                signingIn.Cancel();
                if (session is not null)
                {
                    await Observe(session).ConfigureAwait(false);
                }

                throw;
            }

            cluster.Hold(clusterLock!);
            try
            {
                return (cluster, await session!.ConfigureAwait(false), checkedValue);
            }
            catch
            {
                cluster.Dispose();
                throw;
            }
        }

        private static async Task Observe(Task task)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The cluster's failure is the one to report; this one only followed from it.
            }
        }
    }
}
