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
