namespace Az.StackHCI.Core.Workflows.Registration
{
    /// <summary>The user-facing texts of Microsoft's module (behaviour reference §5), kept verbatim where they exist.</summary>
    internal static class RegistrationMessages
    {
        public const string Activity = "Registering Azure Stack HCI with Azure...";

        public const string NotACluster = "Computer {0} is not part of an Azure Stack HCI cluster. Use the -ComputerName parameter to specify an Azure Stack HCI cluster node and try again.";
        public const string ResourceMissing = "The Azure resource with ID {0} doesn't exist. Unregister the cluster using Unregister-AzStackHCI and then try again.";
        public const string RegionNotAvailable = "Azure Stack HCI is not yet available in region {0}. Please choose one of these regions: {1}.";
        public const string CertificatesFailed = "Failed to register. Couldn't generate self-signed certificate on node(s) {0}. Couldn't set and verify registration certificate on node(s) {1}. Make sure every clustered node is up and has Internet connectivity (at least outbound to Azure).";
        public const string CannotRepair = "Can't repair registration because the cluster isn't registered yet. Register the cluster using Register-AzStackHCI without the -RepairRegistration option.";
        public const string ResourceGroupMismatch = "Cluster resource has already been created in resource group : {0}. Skip '-ResourceGroupName' or provide '-ResourceGroupName' as {0} in Register-AzStackHCI to perform registration.";
        public const string SubscriptionMismatch = "Cluster is already registered to subscription id : {0}. Skip '-SubscriptionId' or provide '-SubscriptionId' as {0} in Register-AzStackHCI to perform registration.";
        public const string ResourceNameMismatch = "Cluster is already registered with resource name : {0}. Skip '-ResourceName' or provide '-ResourceName' as {0} in Register-AzStackHCI to perform registration.";
        public const string RegionMismatch = "There is already an Azure Stack HCI resource with the same resource ID in region {0}, which is different from the input region {1}. Either specify the same region or delete the existing resource and try again.";
        public const string SetRegistrationFailed = "Exception occurred in Set-AzureStackHCIRegistration. ErrorMessage: {0}";
        public const string AdminConsent = "You need additional Azure Active Directory permissions to register in this Azure subscription. Contact your Azure AD administrator to grant consent to AAD application identity {0} at {1} (or at {2}). Then, run Register-AzStackHCI again with same parameters to complete registration.";
        public const string Success = "Azure Stack HCI is successfully registered. An Azure resource representing Azure Stack HCI has been created in your Azure subscription to enable an Azure-consistent monitoring, billing, and support experience.";
        public const string WhatIfDetails = "No changes were made (-WhatIf or declined confirmation); the verbose stream lists what would change.";
    }
}
