using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Az.StackHCI.Core.Nodes
{
    /// <summary>One node's result of a fan-out: a value, or the failure that stopped it on that node.</summary>
    public sealed class NodeOutcome<T>
    {
        internal NodeOutcome(string computerName, T value, Exception? failure)
        {
            ComputerName = computerName;
            Value = value;
            Failure = failure;
        }

        public string ComputerName { get; }

        public T Value { get; }

        public Exception? Failure { get; }

        public bool Succeeded => Failure is null;
    }

    /// <summary>
    /// Runs the same work on many nodes at once (bounded by a throttle) and collects every node's outcome: one slow
    /// or failing node neither serialises nor hides the others. Cancellation stops them all.
    /// </summary>
    public static class NodeFanOut
    {
        public static async Task<IReadOnlyList<NodeOutcome<T>>> RunAsync<TNode, T>(
            IEnumerable<TNode> nodes, Func<TNode, string> name, Func<TNode, CancellationToken, Task<T>> work, int throttleLimit, CancellationToken cancellationToken)
        {
            using var gate = new SemaphoreSlim(Math.Max(1, throttleLimit));
            var tasks = nodes.Select(async node =>
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    return new NodeOutcome<T>(name(node), await work(node, cancellationToken).ConfigureAwait(false), null);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
                {
                    return new NodeOutcome<T>(name(node), default!, ex);
                }
                finally
                {
                    gate.Release();
                }
            }).ToList();
            return await Task.WhenAll(tasks).ConfigureAwait(false);
        }
    }
}
