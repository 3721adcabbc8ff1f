using System.Collections.Generic;
using System.Management.Automation;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Models;

namespace Az.StackHCI.Commands
{
    /// <summary>
    /// What -IsWAC adds to a Register or Unregister result, as Microsoft's 2.x module does for Windows Admin Center:
    /// string note properties WacResult (the Result), WacErrorCode (Microsoft's event id for the failure),
    /// WacErrorDetail and WacExceptionMessage, each only when it has a value. Without -IsWAC nothing is added.
    /// </summary>
    internal static class WacOutput
    {
        /// <summary>
        /// Microsoft's codes (its stackhci.ps1 sets WacErrorCode to the event id it writes; 1 and 2 are node
        /// registration and Arc state failures) for the refusals of ours that are the same refusal.
        /// </summary>
        private static readonly Dictionary<string, string> MicrosoftCodes = new Dictionary<string, string>
        {
            ["SetRegistrationFailed"] = "1",
            ["ArcAlreadyEnabledInADifferentResource"] = "2",
            ["ClusterNotRegistered"] = "9101",
            ["NotAClusterNode"] = "9102",
            ["ResourceExistsInDifferentRegion"] = "9104",
            ["CloudResourceDoesNotExist"] = "9106",
            ["RegionNotSupported"] = "9108",
            ["CertificateNotFoundOnNode"] = "9109",
            ["CertificateExpiresSoon"] = "9109",
            ["SettingCertificateFailed"] = "9110",
            ["ArcCmdletsNotAvailable"] = "9112",
            ["ArcDisableInProgress"] = "9113",
            ["RegistrationInfoNotFound"] = "9115",
            ["ArcDisableFailed"] = "9117",
            ["ResourceGroupMismatch"] = "9125",
            ["ResourceNameMismatch"] = "9127",
            ["SubscriptionMismatch"] = "9128",
            ["ArcResourceGroupMismatch"] = "9129",
        };

        /// <summary>The result as Windows Admin Center reads it; <paramref name="error"/> is the failure, if any.</summary>
        public static PSObject Describe(object result, OperationStatus status, string? errorDetail, HciException? error)
        {
            var output = PSObject.AsPSObject(result);
            Add(output, "WacResult", status.ToString());
            Add(output, "WacErrorCode", error is null ? null : MicrosoftCode(error.ErrorId));
            Add(output, "WacErrorDetail", errorDetail);
            Add(output, "WacExceptionMessage", error?.Message);
            return output;
        }

        /// <summary>Microsoft's code for one of our error ids, or null where Microsoft has none.</summary>
        public static string? MicrosoftCode(string errorId) => MicrosoftCodes.TryGetValue(errorId, out var code) ? code : null;

        private static void Add(PSObject output, string name, string? value)
        {
            if (value is not null)
            {
                output.Properties.Add(new PSNoteProperty(name, value));
            }
        }
    }
}
