using System;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Az.StackHCI.Core.Resilience
{
    /// <summary>
    /// Retries for the plain HTTP calls the engine makes itself (the Azure SDK clients retry on their own):
    /// transport failures, timeouts, 408/429/5xx, waiting as long as Retry-After asks.
    /// </summary>
    internal static class HttpResilience
    {
        public static ResiliencePipeline<HttpResponseMessage> Create(int maxRetries = 3, TimeSpan? attemptTimeout = null, TimeSpan? baseDelay = null) =>
            new ResiliencePipelineBuilder<HttpResponseMessage>()
                .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = maxRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = baseDelay ?? TimeSpan.FromMilliseconds(500),
                    ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                        .Handle<HttpRequestException>()
                        .Handle<TimeoutRejectedException>()
                        .HandleResult(r => IsTransient(r.StatusCode)),
                    DelayGenerator = args => new ValueTask<TimeSpan?>(RetryAfter(args.Outcome.Result)),
                    OnRetry = args =>
                    {
                        args.Outcome.Result?.Dispose();
                        return default;
                    },
                })
                .AddTimeout(attemptTimeout ?? TimeSpan.FromSeconds(30))
                .Build();

        internal static bool IsTransient(HttpStatusCode status) =>
            status == HttpStatusCode.RequestTimeout || (int)status == 429 || (int)status >= 500;

        private static TimeSpan? RetryAfter(HttpResponseMessage? response)
        {
            var header = response?.Headers.RetryAfter;
            if (header?.Delta is TimeSpan delta)
            {
                return delta;
            }

            return header?.Date is DateTimeOffset date ? date - DateTimeOffset.UtcNow : null;
        }
    }
}
