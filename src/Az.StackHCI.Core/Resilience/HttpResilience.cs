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
    /// Retries for the plain HTTP calls the engine makes itself (the Azure SDK clients' retries are configured in
    /// <see cref="SdkRetryPolicy"/>): transport failures, timeouts, 408/429/5xx, with exponential backoff and jitter,
    /// waiting as long as Retry-After asks.
    /// </summary>
    internal static class HttpResilience
    {
        public static ResiliencePipeline<HttpResponseMessage> Create(int maxRetries = 3, TimeSpan? attemptTimeout = null, TimeSpan? baseDelay = null,
            bool repeatable = true, Action<string>? log = null) =>
            new ResiliencePipelineBuilder<HttpResponseMessage>()
                .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = maxRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = baseDelay ?? TimeSpan.FromMilliseconds(500),
                    MaxDelay = SdkRetryPolicy.MaxDelay,
                    // A request that is not safe to repeat is retried only when the service said it did not act on it.
                    ShouldHandle = repeatable
                        ? new PredicateBuilder<HttpResponseMessage>()
                            .Handle<HttpRequestException>()
                            .Handle<TimeoutRejectedException>()
                            .HandleResult(r => IsTransient(r.StatusCode))
                        : new PredicateBuilder<HttpResponseMessage>().HandleResult(r => IsRefusedUnprocessed(r.StatusCode)),
                    DelayGenerator = args => new ValueTask<TimeSpan?>(RetryAfter(args.Outcome.Result)),
                    OnRetry = args =>
                    {
                        var answer = args.Outcome.Result is { } response ? $"answered {(int)response.StatusCode}" : $"failed ({args.Outcome.Exception?.GetType().Name}: {args.Outcome.Exception?.Message})";
                        var request = args.Outcome.Result?.RequestMessage;
                        log?.Invoke($"{request?.Method} {request?.RequestUri?.Host}{request?.RequestUri?.AbsolutePath} {answer}; retry {args.AttemptNumber + 1} of {maxRetries} in {args.RetryDelay.TotalSeconds:0.#} s.");
                        args.Outcome.Result?.Dispose();
                        return default;
                    },
                })
                .AddTimeout(attemptTimeout ?? TimeSpan.FromSeconds(30))
                .Build();

        internal static bool IsTransient(HttpStatusCode status) =>
            status == HttpStatusCode.RequestTimeout || (int)status == 429 || (int)status >= 500;

        /// <summary>429 and 503: the service turned the request away before doing anything.</summary>
        internal static bool IsRefusedUnprocessed(HttpStatusCode status) =>
            (int)status == 429 || status == HttpStatusCode.ServiceUnavailable;

        internal static bool IsRepeatable(HttpMethod method) =>
            method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Put || method == HttpMethod.Delete
            || method == HttpMethod.Options || string.Equals(method.Method, "PATCH", StringComparison.OrdinalIgnoreCase);

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
