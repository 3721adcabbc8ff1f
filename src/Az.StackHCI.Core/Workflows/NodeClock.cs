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

        /// <summary>
        /// Pre-flight: refuses when a node's clock is off by more than <see cref="Tolerance"/>, naming the nodes, since
        /// registration would otherwise fail late with AADSTS700027. A node that cannot tell its time is left to the
        /// steps that follow.
        /// </summary>
        public static async Task CheckAsync(IReadOnlyList<INodeSession> nodes, int throttleLimit, CancellationToken cancellationToken)
        {
            var offsets = await NodeFanOut.RunAsync(nodes, n => n.ComputerName, MeasureOffsetAsync, throttleLimit, cancellationToken).ConfigureAwait(false);
            var skewed = offsets.Where(o => o.Succeeded && o.Value.Duration() > Tolerance).ToList();
            if (skewed.Count > 0)
            {
                throw new HciException("NodeClockSkewed", HciErrorCategory.InvalidOperation, string.Join(", ", skewed.Select(s => s.ComputerName)),
                    $"The clock of node(s) {string.Join(", ", skewed.Select(s => $"{s.ComputerName} ({Describe(s.Value)})"))} is more than {Tolerance.TotalMinutes:0} minutes off UTC. " +
                    "Azure refuses the tokens a node signs with a clock this far off (AADSTS700027): synchronize the node's time (w32tm /resync), then run the command again.");
            }
        }

        /// <summary>"+00:07:12", to the second.</summary>
        public static string Describe(TimeSpan offset)
        {
            var seconds = Math.Round(offset.TotalSeconds);
            return (seconds < 0 ? "-" : "+") + TimeSpan.FromSeconds(Math.Abs(seconds)).ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
