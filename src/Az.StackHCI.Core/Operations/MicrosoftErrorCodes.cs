using System.Collections.Generic;

namespace Az.StackHCI.Core.Operations
{
    /// <summary>
    /// Microsoft's codes for the refusals of ours that are the same refusal: its 2.x stackhci.ps1 reports the event id
    /// it writes (1 and 2 are its node-registration and Arc-state failures) as WacErrorCode.
    /// </summary>
    public static class MicrosoftErrorCodes
    {
        private static readonly Dictionary<string, string> Codes = new Dictionary<string, string>
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

        /// <summary>Microsoft's code for one of our error ids, or null where Microsoft has none.</summary>
        public static string? For(string errorId) => Codes.TryGetValue(errorId, out var code) ? code : null;
    }
}
