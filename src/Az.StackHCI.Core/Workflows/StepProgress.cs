using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Workflows
{
    /// <summary>One progress bar for a workflow's steps; a child bar per node comes from the same reporter.</summary>
    internal sealed class StepProgress
    {
        private readonly IOperationReporter _reporter;
        private readonly int _id;
        private readonly string _activity;

        public StepProgress(IOperationReporter reporter, int id, string activity)
        {
            _reporter = reporter;
            _id = id;
            _activity = activity;
        }

        public int Id => _id;

        public void Step(string status, int percent)
        {
            _reporter.Verbose(status + ".");
            _reporter.Progress(new OperationProgress(_id, _activity, status) { PercentComplete = percent });
        }

        public void Complete() => _reporter.Progress(new OperationProgress(_id, _activity, "Done") { Completed = true });

        /// <summary>A child bar for one node (index in the node list), under this workflow's bar.</summary>
        public void Node(int index, string computerName, string status, bool completed = false) =>
            _reporter.Progress(new OperationProgress(_id + 1 + index, computerName, status) { ParentActivityId = _id, Completed = completed });
    }
}
