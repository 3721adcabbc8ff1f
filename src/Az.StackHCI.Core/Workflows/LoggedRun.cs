using System;
using System.Threading.Tasks;
using Az.StackHCI.Core.Logging;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Workflows
{
    /// <summary>What a logged command is called in its log and on its progress bar.</summary>
    internal sealed class LoggedRunNames
    {
        /// <summary>The command as the log's first line names it, e.g. Register-AzStackHCI.</summary>
        public string Command { get; set; } = "";

        /// <summary>The log file's prefix: RegisterHCI gives RegisterHCI_yyyyMMdd-HHmmss.log.</summary>
        public string LogPrefix { get; set; } = "";

        /// <summary>The progress bar's activity.</summary>
        public string Activity { get; set; } = "";

        /// <summary>The noun of the outcome lines: "Registration completed …", "Registration failed: …".</summary>
        public string Outcome { get; set; } = "";
    }

    /// <summary>
    /// The skeleton every command that changes a cluster shares, once its input is validated: open its log (and the
    /// SDK's HTTP trace into it), write what was asked, run under one progress bar, log the outcome, and turn a node
    /// failure into its stable error. Cancellation is not a failure and is not logged as one.
    /// </summary>
    internal static class LoggedRun
    {
        public static async Task<TResult> RunAsync<TResult, TStep>(
            LoggedRunNames names, string? logsDirectory, string? defaultLogsDirectory, IOperationReporter reporter, string request,
            Func<IOperationReporter, StepProgress<TStep>, Task<TResult>> run, Func<TResult, string> describe)
            where TStep : struct, Enum
        {
            using var log = OperationLog.Open(logsDirectory, defaultLogsDirectory, names.LogPrefix, reporter);
            using var httpTrace = HttpTrace.To(log);
            log.Info($"{names.Command} triggered - {request}");
            var progress = new StepProgress<TStep>(log, 1, names.Activity);
            try
            {
                var result = await run(log, progress).ConfigureAwait(false);
                log.Info($"{names.Outcome} completed with status: {describe(result)}");
                return result;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                log.Error($"{names.Outcome} failed: {ex.Message}");
                if (NodeFailures.AsHci(ex) is HciException hci && !ReferenceEquals(hci, ex))
                {
                    throw hci;
                }

                throw;
            }
            finally
            {
                progress.Complete();
            }
        }
    }
}
