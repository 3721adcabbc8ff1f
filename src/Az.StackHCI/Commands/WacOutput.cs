using System.Management.Automation;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Models;

namespace Az.StackHCI.Commands
{
    /// <summary>
    /// What -IsWAC adds to a Register or Unregister result, as Microsoft's 2.x module does for Windows Admin Center:
    /// string note properties WacResult (the Result), WacErrorCode (<see cref="MicrosoftErrorCodes"/>),
    /// WacErrorDetail and WacExceptionMessage, each only when it has a value. Without -IsWAC nothing is added.
    /// </summary>
    internal static class WacOutput
    {
        /// <summary>The result as Windows Admin Center reads it; <paramref name="error"/> is the failure, if any.</summary>
        public static PSObject Describe(object result, OperationStatus status, string? errorDetail, HciException? error)
        {
            var output = PSObject.AsPSObject(result);
            Add(output, "WacResult", status.ToString());
            Add(output, "WacErrorCode", error is null ? null : MicrosoftErrorCodes.For(error.ErrorId));
            Add(output, "WacErrorDetail", errorDetail);
            Add(output, "WacExceptionMessage", error?.Message);
            return output;
        }

        private static void Add(PSObject output, string name, string? value)
        {
            if (value is not null)
            {
                output.Properties.Add(new PSNoteProperty(name, value));
            }
        }
    }
}
