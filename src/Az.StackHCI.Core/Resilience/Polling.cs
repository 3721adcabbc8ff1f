using System;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Operations;
using Polly;
using Polly.Retry;

namespace Az.StackHCI.Core.Resilience
{
    /// <summary>
    /// Waiting for the cloud to catch up (a provider registering, the directory replicating): exponential backoff
    /// with jitter, bounded, never a fixed sleep.
    /// </summary>
    internal static class Polling
    {
        /// <summary>Reads until <paramref name="done"/> holds; gives up with OperationTimeout after about two minutes.</summary>
        public static async Task<T> UntilAsync<T>(Func<CancellationToken, Task<T>> read, Func<T, bool> done, Action<int> waiting, CancellationToken cancellationToken, int maxAttempts = 12)
        {
            var pipeline = new ResiliencePipelineBuilder<T>()
                .AddRetry(new RetryStrategyOptions<T>
                {
                    ShouldHandle = new PredicateBuilder<T>().HandleResult(r => !done(r)),
                    MaxRetryAttempts = maxAttempts,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(500),
                    MaxDelay = TimeSpan.FromSeconds(15),
                    OnRetry = args =>
                    {
                        waiting(args.AttemptNumber + 1);
                        return default;
                    },
                })
                .Build();
            var result = await pipeline.ExecuteAsync(async token => await read(token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            return done(result)
                ? result
                : throw new HciException("WaitTimedOut", HciErrorCategory.OperationTimeout, null, "Azure did not reach the expected state in time. Run the command again to continue.");
        }

        /// <summary>
        /// Runs <paramref name="run"/> (given the attempt number, from 1) again while <paramref name="again"/> holds for
        /// its result, at most <paramref name="maxAttempts"/> times, waits growing from <paramref name="firstDelay"/> to
        /// <paramref name="maxDelay"/>; <paramref name="waiting"/> hears each result that is run again and the wait.
        /// Returns the last result, whatever it is.
        /// </summary>
        public static async Task<T> RepeatAsync<T>(Func<int, CancellationToken, Task<T>> run, Func<T, bool> again, Action<T, TimeSpan> waiting,
            TimeSpan firstDelay, TimeSpan maxDelay, int maxAttempts, CancellationToken cancellationToken)
        {
            var attempt = 0;
            var pipeline = new ResiliencePipelineBuilder<T>()
                .AddRetry(new RetryStrategyOptions<T>
                {
                    ShouldHandle = args => new ValueTask<bool>(args.Outcome.Exception is null && again(args.Outcome.Result!)),
                    MaxRetryAttempts = Math.Max(0, maxAttempts - 1),
                    BackoffType = DelayBackoffType.Exponential,
                    Delay = firstDelay,
                    MaxDelay = maxDelay,
                    OnRetry = args =>
                    {
                        waiting(args.Outcome.Result!, args.RetryDelay);
                        return default;
                    },
                })
                .Build();
            return await pipeline.ExecuteAsync(async token => await run(++attempt, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Retries <paramref name="action"/> while <paramref name="transient"/> says the failure is one to ride out.</summary>
        public static Task RetryAsync(Func<CancellationToken, Task> action, Func<Exception, bool> transient, Action<int, Exception> retrying, CancellationToken cancellationToken, int maxAttempts = 8) =>
            new ResiliencePipelineBuilder()
                .AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<Exception>(transient),
                    MaxRetryAttempts = maxAttempts,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(500),
                    MaxDelay = TimeSpan.FromSeconds(15),
                    OnRetry = args =>
                    {
                        retrying(args.AttemptNumber + 1, args.Outcome.Exception!);
                        return default;
                    },
                })
                .Build()
                .ExecuteAsync(async token => await action(token).ConfigureAwait(false), cancellationToken)
                .AsTask();
    }
}
