using System;
using System.Management.Automation;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Commands
{
    /// <summary>Maps engine exceptions to PowerShell error records; the ids are the contract scripts rely on.</summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord From(Exception exception)
        {
            if (exception is HciException hci)
            {
                return new ErrorRecord(hci, hci.ErrorId, Map(hci.Category), hci.Target);
            }

            return new ErrorRecord(exception, "UnexpectedError", ErrorCategory.NotSpecified, null);
        }

        private static ErrorCategory Map(HciErrorCategory category) =>
            Enum.TryParse<ErrorCategory>(category.ToString(), out var mapped) ? mapped : ErrorCategory.NotSpecified;
    }
}
