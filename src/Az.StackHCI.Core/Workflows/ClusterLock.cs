using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Workflows
{
    /// <summary>
    /// One Register or Unregister per cluster at a time from this computer and account, across processes and
    /// runspaces: an exclusive lock on a file in the temp folder, which the operating system releases even when the
    /// process is killed. (Runs from other computers meet in the directory instead: see
    /// <see cref="Cloud.GraphGateway.CreateApplicationAsync"/>.)
    /// </summary>
    internal static class ClusterLock
    {
        public static IDisposable Acquire(ClusterInfo cluster)
        {
            var key = $"{Environment.UserName}|{cluster.Name}.{cluster.Domain}".ToLowerInvariant();
            using var sha = SHA256.Create();
            var hash = string.Concat(sha.ComputeHash(Encoding.UTF8.GetBytes(key)).Take(8).Select(b => b.ToString("x2")));
            var path = Path.Combine(Path.GetTempPath(), $"Az.StackHCI-{hash}.lock");
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex)
            {
                throw new HciException("ClusterOperationInProgress", HciErrorCategory.ResourceBusy, cluster.Name,
                    $"Another Register-AzStackHCI or Unregister-AzStackHCI is already working on cluster {cluster.Name} from this computer. Wait for it to finish, then run the command again.", ex);
            }
        }
    }
}
