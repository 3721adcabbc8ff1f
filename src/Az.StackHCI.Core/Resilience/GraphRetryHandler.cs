using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Az.StackHCI.Core.Resilience
{
    /// <summary>
    /// Microsoft Graph's retries, in place of Kiota's RetryHandler (which rides out only 429/503/504 and never a
    /// dropped connection): reads and idempotent writes retry every transient failure; POSTs (creating an
    /// application, adding a password) only what Graph refused unprocessed, since repeating them could create twice.
    /// </summary>
    internal sealed class GraphRetryHandler : DelegatingHandler
    {
        private readonly Action<string> _log;

        public GraphRetryHandler(Action<string> log)
        {
            _log = log;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not null)
            {
                await request.Content.LoadIntoBufferAsync().ConfigureAwait(false);
            }

            var pipeline = HttpResilience.Create(SdkRetryPolicy.MaxRetries, SdkRetryPolicy.NetworkTimeout, TimeSpan.FromSeconds(0.8), HttpResilience.IsRepeatable(request.Method), _log);
            var first = true;
            return await pipeline.ExecuteAsync(async token =>
            {
                var attempt = first ? request : await CloneAsync(request).ConfigureAwait(false);
                first = false;
                return await base.SendAsync(attempt, token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>A request can be sent once: each retry sends a copy (headers, buffered body, options).</summary>
        private static async Task<HttpRequestMessage> CloneAsync(HttpRequestMessage request)
        {
            var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version };
            foreach (var header in request.Headers)
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            if (request.Content is not null)
            {
                copy.Content = new ByteArrayContent(await request.Content.ReadAsByteArrayAsync().ConfigureAwait(false));
                foreach (var header in request.Content.Headers)
                {
                    copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

#pragma warning disable CS0618 // Properties is what netstandard2.0 has; Kiota keeps its request options there.
            foreach (var property in request.Properties.ToList())
            {
                copy.Properties[property.Key] = property.Value;
            }
#pragma warning restore CS0618
            return copy;
        }
    }
}
