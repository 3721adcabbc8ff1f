namespace Az.StackHCI.Core.Workflows
{
    /// <summary>The result of a workflow that changes things, which -WhatIf (or a declined -Confirm) may leave undone.</summary>
    public interface IChangeOutcome
    {
        /// <summary>True when -WhatIf (or a declined -Confirm) left the changes undone.</summary>
        bool ChangesSkipped { get; }
    }
}
