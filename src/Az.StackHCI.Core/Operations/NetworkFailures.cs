using System;
using System.Linq;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.RegularExpressions;
using Azure;

namespace Az.StackHCI.Core.Operations
{
    /// <summary>
    /// A call that never got an answer, told in the admin's words: which host, what failed (DNS, TCP, TLS, proxy,
    /// time-out) and what to check, instead of the SDK's "Retry failed after 5 tries. Retry settings can be adjusted
    /// in ClientOptions.Retry…".
    /// </summary>
    public static class NetworkFailures
    {
        // .NET's socket and HttpClient messages end with "(host:port)".
        private static readonly Regex HostInMessage = new Regex(@"\((?<host>[A-Za-z0-9.\-\[\]:]+):(?<port>\d+)\)\s*$", RegexOptions.CultureInvariant);

        /// <summary>True when the exception, or one inside it, says a host name did not resolve.</summary>
        public static bool IsNameResolution(Exception? exception) =>
            Find<SocketException>(exception) is SocketException socket
            && (socket.SocketErrorCode == SocketError.HostNotFound || socket.SocketErrorCode == SocketError.NoData || socket.SocketErrorCode == SocketError.TryAgain);

        /// <summary>
        /// The failure as an <see cref="HciException"/> when it is a network failure (no HTTP answer); null otherwise.
        /// <paramref name="host"/> is named when the exception does not say which host it was.
        /// </summary>
        public static HciException? Describe(Exception exception, string? host = null)
        {
            var failure = exception is AggregateException aggregate && aggregate.InnerExceptions.Count > 0 ? aggregate.InnerExceptions.Last() : exception;
            if (failure is RequestFailedException answered && answered.Status != 0)
            {
                return null;
            }

            var http = Find<HttpRequestException>(failure);
            var socket = Find<SocketException>(failure);
            var tls = Find<AuthenticationException>(failure);
            var timedOut = Find<OperationCanceledException>(failure) is not null || Find<TimeoutException>(failure) is not null;
            if (http is null && socket is null && tls is null && !(timedOut && failure is RequestFailedException))
            {
                return null;
            }

            var target = HostOf(failure) ?? host ?? "an Azure endpoint";
            var detail = Innermost(failure).Message;
            if (IsNameResolution(failure))
            {
                return new HciException("NameResolutionFailed", HciErrorCategory.ConnectionError, target,
                    $"The name {target} could not be resolved (DNS: {detail}). Check the name (the environment's endpoints: Get-AzStackHCIEnvironment), " +
                    "this computer's DNS servers, and whether a proxy must be used (HTTPS_PROXY).", exception);
            }

            if (tls is not null)
            {
                return new HciException("TlsHandshakeFailed", HciErrorCategory.ConnectionError, target,
                    $"The TLS connection to {target} failed: {tls.Message} A proxy that inspects TLS, or a root certificate this computer does not trust, " +
                    $"is the usual cause: check the certificate chain this computer sees for {target}.", exception);
            }

            if ((http?.Message ?? "").IndexOf("proxy", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return new HciException("ProxyFailed", HciErrorCategory.ConnectionError, target,
                    $"The proxy did not connect this computer to {target}: {http!.Message} Check HTTPS_PROXY and NO_PROXY, and the proxy's address and credentials.", exception);
            }

            if (socket is not null)
            {
                return new HciException("ConnectionFailed", HciErrorCategory.ConnectionError, target,
                    $"Could not connect to {target} (TCP: {socket.SocketErrorCode}, {socket.Message}). Check the network path and firewalls to {target} on port 443, " +
                    "and whether a proxy must be used (HTTPS_PROXY, NO_PROXY).", exception);
            }

            return new HciException(timedOut ? "RequestTimedOut" : "ConnectionFailed", timedOut ? HciErrorCategory.OperationTimeout : HciErrorCategory.ConnectionError, target,
                timedOut
                    ? $"{target} did not answer in time ({detail}). Check the network path and proxy to {target}, then run the command again."
                    : $"The connection to {target} failed: {detail} Check the network path, firewalls and proxy to {target}.", exception);
        }

        private static string? HostOf(Exception exception)
        {
            for (var e = exception; e is not null; e = e.InnerException)
            {
                var match = HostInMessage.Match(e.Message);
                if (match.Success)
                {
                    return match.Groups["host"].Value;
                }
            }

            return null;
        }

        private static Exception Innermost(Exception exception)
        {
            var e = exception;
            while (e.InnerException is not null)
            {
                e = e.InnerException;
            }

            return e;
        }

        private static T? Find<T>(Exception? exception) where T : Exception
        {
            for (var e = exception; e is not null; e = e.InnerException)
            {
                if (e is T found)
                {
                    return found;
                }

                if (e is AggregateException aggregate && aggregate.InnerExceptions.Count > 0)
                {
                    return Find<T>(aggregate.InnerExceptions.Last());
                }
            }

            return null;
        }
    }
}
