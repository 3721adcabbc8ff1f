using System;
using System.Threading.Tasks;
using Az.StackHCI.Core.Operations;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Az.StackHCI.Core.Resilience
{
    /// <summary>
    /// The one retry policy of the Azure SDK clients (ARM and Entra ID sign-in): Azure.Core's own, which retries
    /// transport failures, 408, 429 and 5xx and waits as long as Retry-After asks, here bounded and logged. Nothing
    /// above it retries the same calls again.
    /// </summary>
    internal sealed class SdkRetryPolicy : RetryPolicy
    {
        /// <summary>Retries after the first attempt; with <see cref="MaxDelay"/> this bounds one call to about two minutes.</summary>
        internal const int MaxRetries = 4;

        internal static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

        /// <summary>How long one attempt may wait for an answer.</summary>
        internal static readonly TimeSpan NetworkTimeout = TimeSpan.FromSeconds(60);

        public SdkRetryPolicy(Action<string> log)
            : base(MaxRetries, DelayStrategy.CreateExponentialDelayStrategy(TimeSpan.FromSeconds(0.8), MaxDelay))
        {
            Log = log;
        }

        /// <summary>Where retries are reported (the run's verbose stream and log file).</summary>
        public Action<string> Log { get; }

        /// <summary>
        /// The policy of a credential kept for the PowerShell session: it reports to whichever command is asking for
        /// a token (<see cref="CommandReporter"/>), since the command that created it may have ended.
        /// </summary>
        public static SdkRetryPolicy ForSessionCredential() => new SdkRetryPolicy(message => CommandReporter.Current?.Verbose(message));

        /// <summary>Uses this policy and the attempt timeout for a client.</summary>
        public T Apply<T>(T options) where T : ClientOptions
        {
            options.RetryPolicy = this;
            options.Retry.NetworkTimeout = NetworkTimeout;
            return options;
        }

        // A name that does not resolve will not resolve a second later: the admin hears about it at once.
        protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
            !NetworkFailures.IsNameResolution(exception) && Logged(message, exception, base.ShouldRetry(message, exception));

        protected override async ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
            !NetworkFailures.IsNameResolution(exception) && Logged(message, exception, await base.ShouldRetryAsync(message, exception).ConfigureAwait(false));

        private bool Logged(HttpMessage message, Exception? exception, bool retry)
        {
            if (retry)
            {
                // The path only: query strings may carry more than api-version.
                var answer = exception is null ? $"answered {message.Response.Status}" : $"failed ({exception.GetType().Name}: {exception.Message})";
                Log($"{message.Request.Method} {message.Request.Uri.Host}{message.Request.Uri.Path} {answer}; retry {message.ProcessingContext.RetryNumber + 1} of {MaxRetries}.");
            }

            return retry;
        }
    }
}
