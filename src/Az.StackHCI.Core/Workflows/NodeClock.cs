using System;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Nodes;

namespace Az.StackHCI.Core.Workflows
{
    /// <summary>
    /// How far a node's clock is from this computer's UTC: the node's time against the middle of the round trip
    /// that asked for it. A node far off fails to get tokens (AADSTS700027, the seed's troubleshooting case).
    /// </summary>
    internal static class NodeClock
    {
        /// <summary>Beyond this, tokens the node signs for itself are refused.</summary>
        public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

        public static async Task<TimeSpan> MeasureOffsetAsync(INodeSession node, CancellationToken cancellationToken)
        {
            var before = DateTimeOffset.UtcNow;
            var nodeTime = await NodeCommands.GetDateAsync(node, cancellationToken).ConfigureAwait(false);
            var after = DateTimeOffset.UtcNow;
            return nodeTime - (before + TimeSpan.FromTicks((after - before).Ticks / 2));
        }

        /// <summary>"+00:07:12", to the second.</summary>
        public static string Describe(TimeSpan offset)
        {
            var seconds = Math.Round(offset.TotalSeconds);
            return (seconds < 0 ? "-" : "+") + TimeSpan.FromSeconds(Math.Abs(seconds)).ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
