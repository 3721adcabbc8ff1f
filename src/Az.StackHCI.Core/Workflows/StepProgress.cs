using System;
using System.Linq;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Workflows
{
    /// <summary>
    /// One progress bar for a workflow whose steps <typeparamref name="TStep"/> declares, in order: a step's
    /// percentage follows from its place in that list, so adding a step touches only the list. A child bar per node
    /// comes from the same reporter.
    /// </summary>
    internal sealed class StepProgress<TStep> where TStep : struct, Enum
    {
        private static readonly TStep[] Steps = Enum.GetValues(typeof(TStep)).Cast<TStep>().OrderBy(s => s).ToArray();

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

        /// <summary>Step <paramref name="step"/> begins; <paramref name="status"/> says what it does (verbose stream and bar).</summary>
        public void Step(TStep step, string status)
        {
            _reporter.Verbose(status + ".");
            _reporter.Progress(new OperationProgress(_id, _activity, status) { PercentComplete = PercentOf(step) });
        }

        public void Complete() => _reporter.Progress(new OperationProgress(_id, _activity, "Done") { Completed = true });

        /// <summary>A child bar for one node (index in the node list), under this workflow's bar.</summary>
        public void Node(int index, string computerName, string status, bool completed = false) =>
            _reporter.Progress(new OperationProgress(_id + 1 + index, computerName, status) { ParentActivityId = _id, Completed = completed });

        /// <summary>The share of the declared steps done before this one begins.</summary>
        internal static int PercentOf(TStep step) => Array.IndexOf(Steps, step) * 100 / Steps.Length;
    }
}
