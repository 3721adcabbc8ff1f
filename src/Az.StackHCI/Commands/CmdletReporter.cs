using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Threading;

namespace Az.StackHCI.Commands
{
    /// <summary>The engine's reporter for a running cmdlet: each call is carried out on the pipeline thread.</summary>
    internal sealed class CmdletReporter : IOperationReporter
    {
        private readonly Cmdlet _cmdlet;
        private readonly PipelineDispatcher _dispatcher;
        private readonly Dictionary<int, ProgressRecord> _open = new Dictionary<int, ProgressRecord>();

        public CmdletReporter(Cmdlet cmdlet, PipelineDispatcher dispatcher)
        {
            _cmdlet = cmdlet;
            _dispatcher = dispatcher;
        }

        public void Verbose(string message) => _dispatcher.Post(() => _cmdlet.WriteVerbose(message));

        public void Debug(string message) => _dispatcher.Post(() => _cmdlet.WriteDebug(message));

        public void Warning(string message) => _dispatcher.Post(() => _cmdlet.WriteWarning(message));

        public void Progress(OperationProgress progress) => _dispatcher.Post(() =>
        {
            var record = new ProgressRecord(progress.ActivityId, progress.Activity, progress.Status)
            {
                ParentActivityId = progress.ParentActivityId,
                PercentComplete = progress.PercentComplete,
                CurrentOperation = progress.CurrentOperation,
                RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
            if (progress.Completed)
            {
                _open.Remove(progress.ActivityId);
            }
            else
            {
                _open[progress.ActivityId] = record;
            }

            _cmdlet.WriteProgress(record);
        });

        public Task<bool> ShouldProcessAsync(string target, string action, CancellationToken cancellationToken) =>
            _dispatcher.InvokeAsync(() => _cmdlet.ShouldProcess(target, action), cancellationToken);

        public Task<bool> ConfirmAsync(string description, string question, CancellationToken cancellationToken) =>
            _dispatcher.InvokeAsync(() => _cmdlet.ShouldProcess(description, question, "Confirm"), cancellationToken);

        /// <summary>Closes progress bars the engine left open (it failed or was stopped), on the pipeline thread.</summary>
        public void CompleteOpenProgress()
        {
            foreach (var record in _open.Values)
            {
                record.RecordType = ProgressRecordType.Completed;
                try
                {
                    _cmdlet.WriteProgress(record);
                }
                catch (PipelineStoppedException)
                {
                    return;
                }
            }

            _open.Clear();
        }
    }
}
