using Az.StackHCI.Core.Nodes;
using Xunit;

namespace Az.StackHCI.Tests;

public class NodeFanOutTests
{
    [Fact]
    public async Task Works_on_all_nodes_at_once_up_to_the_throttle()
    {
        var running = 0;
        var peak = 0;
        var nodes = Enumerable.Range(1, 8).Select(i => $"node{i}").ToList();
        // The first nodes wait until four run at once, so the peak does not depend on how fast tasks start; a fan-out
        // that never reaches four fails on the bound instead of hanging.
        var fourRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var outcomes = await NodeFanOut.RunAsync(nodes, n => n, async (node, token) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            if (now == 4) fourRunning.TrySetResult();
            await fourRunning.Task.WaitAsync(TimeSpan.FromSeconds(30), token);
            Interlocked.Decrement(ref running);
            return node.ToUpperInvariant();
        }, throttleLimit: 4, CancellationToken.None);

        Assert.Equal(nodes.Select(n => n.ToUpperInvariant()), outcomes.Select(o => o.Value));
        Assert.Equal(4, peak);
    }

    [Fact]
    public async Task A_failing_node_is_reported_and_does_not_stop_the_others()
    {
        var outcomes = await NodeFanOut.RunAsync(new[] { "node1", "node2", "node3" }, n => n, (node, _) =>
            node == "node2" ? Task.FromException<int>(new NodeUnreachableException(node, "Connection refused")) : Task.FromResult(1),
            throttleLimit: 8, CancellationToken.None);

        Assert.Equal(new[] { true, false, true }, outcomes.Select(o => o.Succeeded));
        var failure = Assert.IsType<NodeUnreachableException>(outcomes[1].Failure);
        Assert.Equal("node2", failure.ComputerName);
        Assert.Contains("Connection refused", failure.Message);
    }

    [Fact]
    public async Task Cancellation_stops_the_whole_fan_out()
    {
        using var stop = new CancellationTokenSource();
        var started = new TaskCompletionSource();

        var fanOut = NodeFanOut.RunAsync(new[] { "node1", "node2" }, n => n, async (_, token) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
            return 0;
        }, throttleLimit: 2, stop.Token);
        await started.Task;
        stop.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fanOut);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
