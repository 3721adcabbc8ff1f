using System;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Identity;

namespace Az.StackHCI.Core.Workflows
{
    /// <summary>
    /// Opens the sessions to every node while signing in: both take seconds (a device code waits for the user) and
    /// neither needs the other. When one fails, the other is stopped and cleaned up, and the failure is reported.
    /// </summary>
    internal static class ClusterAndSignIn
    {
        public static async Task<(ClusterConnection Cluster, AzureSession Session)> OpenAsync(
            Func<CancellationToken, Task<ClusterConnection>> open, Func<CancellationToken, Task<AzureSession>> signIn, CancellationToken cancellationToken)
        {
            using var signingIn = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var session = signIn(signingIn.Token);
            ClusterConnection cluster;
            try
            {
                cluster = await open(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                signingIn.Cancel();
                await Observe(session).ConfigureAwait(false);
                throw;
            }

            try
            {
                return (cluster, await session.ConfigureAwait(false));
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
