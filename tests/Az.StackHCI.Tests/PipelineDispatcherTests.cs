using Az.StackHCI.Threading;
using Xunit;

namespace Az.StackHCI.Tests;

public class PipelineDispatcherTests
{
    [Fact]
    public void Posted_actions_run_on_the_pumping_thread_in_order()
    {
        var dispatcher = new PipelineDispatcher();
        var pipelineThread = Environment.CurrentManagedThreadId;
        var seen = new List<(int Thread, int Index)>();

        dispatcher.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                var index = i;
                dispatcher.Post(() => seen.Add((Environment.CurrentManagedThreadId, index)));
                await Task.Yield();
            }

            return 0;
        }, CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 50), seen.Select(s => s.Index));
        Assert.All(seen, s => Assert.Equal(pipelineThread, s.Thread));
    }

    [Fact]
    public void Work_runs_off_the_pumping_thread_and_its_result_is_returned()
    {
        var dispatcher = new PipelineDispatcher();
        var pipelineThread = Environment.CurrentManagedThreadId;

        var workThread = dispatcher.Run(() => Task.FromResult(Environment.CurrentManagedThreadId), CancellationToken.None);

        Assert.NotEqual(pipelineThread, workThread);
    }

    [Fact]
    public void InvokeAsync_answers_the_worker_from_the_pumping_thread()
    {
        var dispatcher = new PipelineDispatcher();
        var pipelineThread = Environment.CurrentManagedThreadId;

        var answeredOn = dispatcher.Run(
            () => dispatcher.InvokeAsync(() => Environment.CurrentManagedThreadId, CancellationToken.None),
            CancellationToken.None);

        Assert.Equal(pipelineThread, answeredOn);
    }

    [Fact]
    public void An_exception_on_the_pumping_thread_reaches_the_worker_that_asked()
    {
        var dispatcher = new PipelineDispatcher();

        var caught = dispatcher.Run(async () =>
        {
            try
            {
                await dispatcher.InvokeAsync<bool>(() => throw new InvalidOperationException("declined"), CancellationToken.None);
                return "nothing";
            }
            catch (InvalidOperationException ex)
            {
                return ex.Message;
            }
        }, CancellationToken.None);

        Assert.Equal("declined", caught);
    }

    [Fact]
    public void The_work_exception_is_rethrown_as_is_after_its_messages_are_written()
    {
        var dispatcher = new PipelineDispatcher();
        var written = new List<string>();

        var ex = Assert.Throws<TimeoutException>(() => dispatcher.Run<int>(() =>
        {
            dispatcher.Post(() => written.Add("before the failure"));
            throw new TimeoutException("engine failed");
        }, CancellationToken.None));

        Assert.Equal("engine failed", ex.Message);
        Assert.Equal(new[] { "before the failure" }, written);
    }

    [Fact]
    public void Cancellation_returns_promptly_even_if_the_work_ignores_it()
    {
        var dispatcher = new PipelineDispatcher();
        using var stop = new CancellationTokenSource();
        var neverEnds = new TaskCompletionSource<int>();
        var started = new ManualResetEventSlim();

        var pump = Task.Run(() => dispatcher.Run(() =>
        {
            started.Set();
            return neverEnds.Task;
        }, stop.Token));
        Assert.True(started.Wait(TimeSpan.FromSeconds(10)));

        stop.Cancel();
        // The work never ends, so the pump ending at all shows it stopped waiting for it; the bound only keeps a
        // broken build from hanging the run.
        Assert.True(((IAsyncResult)pump).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(30)), "the pump did not return after cancellation");
        Assert.ThrowsAny<OperationCanceledException>(() => pump.GetAwaiter().GetResult());
    }

    [Fact]
    public async Task A_question_asked_after_cancellation_is_cancelled_not_left_waiting()
    {
        var dispatcher = new PipelineDispatcher();
        using var stop = new CancellationTokenSource();
        // The pump returns as soon as the stop is seen, possibly before the work has asked: wait for the question.
        var asked = new TaskCompletionSource<Task<bool>>(TaskCreationOptions.RunContinuationsAsynchronously);

        var pump = Task.Run(() => dispatcher.Run(() =>
        {
            stop.Cancel();
            var question = dispatcher.InvokeAsync(() => true, stop.Token);
            asked.SetResult(question);
            return question;
        }, stop.Token));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pump);
        var question = await asked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(question.IsCanceled);
    }

    [Fact]
    public void An_exception_from_a_posted_action_ends_the_pump()
    {
        var dispatcher = new PipelineDispatcher();
        var neverEnds = new TaskCompletionSource<int>();

        var ex = Assert.Throws<InvalidOperationException>(() => dispatcher.Run(() =>
        {
            dispatcher.Post(() => throw new InvalidOperationException("the pipeline is stopping"));
            return neverEnds.Task;
        }, CancellationToken.None));

        Assert.Equal("the pipeline is stopping", ex.Message);
    }

    [Fact]
    public void Posts_after_the_pump_ended_are_dropped_quietly()
    {
        var dispatcher = new PipelineDispatcher();
        dispatcher.Run(() => Task.FromResult(0), CancellationToken.None);

        var ran = false;
        dispatcher.Post(() => ran = true);
        var late = dispatcher.InvokeAsync(() => true, CancellationToken.None);

        Assert.False(ran);
        Assert.True(late.IsCanceled);
    }
}
