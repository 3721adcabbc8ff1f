using System;
using System.Diagnostics.Tracing;
using Az.StackHCI.Core.Operations;
using Azure.Core.Diagnostics;

namespace Az.StackHCI.Core.Logging
{
    /// <summary>
    /// The Azure SDK's own request/response trace on the debug stream ($DebugPreference = 'Continue' shows it).
    /// Azure.Core redacts it: no Authorization header, no query values but api-version, no bodies.
    /// </summary>
    internal static class HttpTrace
    {
        public static IDisposable To(IOperationReporter reporter) =>
            new AzureEventSourceListener((_, message) => reporter.Debug(message), EventLevel.Informational);
    }
}
