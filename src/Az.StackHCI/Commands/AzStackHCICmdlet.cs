using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Threading;

namespace Az.StackHCI.Commands
{
    /// <summary>
    /// What every command shares: it runs an engine operation on worker threads, with a token that Ctrl+C
    /// (<see cref="StopProcessing"/>) cancels, while verbose, warning, debug, progress and ShouldProcess calls are
    /// carried out on the pipeline thread. Engine failures become error records with stable ids.
    /// </summary>
    public abstract class AzStackHCICmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();

        /// <summary>Cancelled when the pipeline is stopped (Ctrl+C, Stop(), a timeout of the host).</summary>
        protected CancellationToken StopToken => _stopping.Token;

        public void Dispose()
        {
            _stopping.Dispose();
            GC.SuppressFinalize(this);
        }

        /// <summary>Refuses a combination of parameters before anything is contacted.</summary>
        protected void Refuse(string errorId, string target, string message) =>
            ThrowTerminatingError(new ErrorRecord(new PSArgumentException(message), errorId, ErrorCategory.InvalidArgument, target));

        protected override void StopProcessing()
        {
            try
            {
                _stopping.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The command finished (and was disposed) while the stop was on its way: nothing left to cancel.
            }
        }

        /// <summary>
        /// Runs <paramref name="operation"/> off the pipeline thread and waits for it, pumping its messages. The
        /// reporter it receives marshals every call to the pipeline thread. An engine failure is terminating.
        /// </summary>
        internal T RunOperation<T>(Func<CmdletReporter, CancellationToken, Task<T>> operation)
        {
            try
            {
                return Execute(operation);
            }
            catch (HciException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex));
                throw;
            }
        }

        /// <summary>
        /// The same for one item of many: an engine failure becomes a non-terminating error, so the pipeline goes
        /// on with the next item and -ErrorAction decides. Returns false on failure; <paramref name="beforeError"/> sees
        /// the failure before its error is written.
        /// </summary>
        internal bool TryRunOperation<T>(Func<CmdletReporter, CancellationToken, Task<T>> operation, out T result, Action<HciException>? beforeError = null)
        {
            try
            {
                result = Execute(operation);
                return true;
            }
            catch (HciException ex)
            {
                beforeError?.Invoke(ex);
                WriteError(ErrorRecords.From(ex));
                result = default!;
                return false;
            }
        }

        private T Execute<T>(Func<CmdletReporter, CancellationToken, Task<T>> operation)
        {
            var dispatcher = new PipelineDispatcher();
            var reporter = new CmdletReporter(this, dispatcher);
            try
            {
                return dispatcher.Run(() => operation(reporter, StopToken), StopToken);
            }
            catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception ex) when (!(ex is HciException) && NetworkFailures.Describe(ex) is HciException unreachable)
            {
                // A call that got no answer, wherever in the engine: the host and what failed, not the SDK's advice.
                throw unreachable;
            }
            finally
            {
                reporter.CompleteOpenProgress();
            }
        }
    }
}
