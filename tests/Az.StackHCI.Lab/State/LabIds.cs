namespace Az.StackHCI.Lab.State;

/// <summary>Fixed identifiers of the seeded tenant, written to lab.json so tests can name them.</summary>
internal static class LabIds
{
    public const string TenantId = "5f1c7a3e-2b4d-4e6f-8a9b-0c1d2e3f4a5b";
    public const string TenantDomain = "azstackhcilab.onmicrosoft.com";
    public const string SubscriptionId = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

    public const string AdminId = "0a5e0001-7d1b-4c2a-9e3f-5b6c7d8e9f01";
    public const string OperatorId = "0a5e0002-7d1b-4c2a-9e3f-5b6c7d8e9f02";
    public const string RegistrarId = "0a5e0003-7d1b-4c2a-9e3f-5b6c7d8e9f03";
    public const string ContributorId = "0a5e0004-7d1b-4c2a-9e3f-5b6c7d8e9f04";
    public const string ReaderId = "0a5e0005-7d1b-4c2a-9e3f-5b6c7d8e9f05";
    public const string TenantDisplayName = "Az.StackHCI Lab";

    // A B2B guest of the lab tenant (users.guest) and its home tenant, a second tenant with no subscription.
    public const string GuestId = "0a5e0006-7d1b-4c2a-9e3f-5b6c7d8e9f06";
    public const string GuestHomeTenantId = "7e2d9b4c-1a3f-4c5e-9d6b-8f0a1b2c3d4e";
    public const string GuestHomeTenantDomain = "azstackhcipartner.onmicrosoft.com";
    public const string GuestHomeTenantDisplayName = "Az.StackHCI Lab Partner";
    public const string GuestHomeObjectId = "b2b00001-7d1b-4c2a-9e3f-5b6c7d8e9f07";

    public const string CiAppId = "c1a00001-3b2c-4d5e-8f6a-7b8c9d0e1f01";
    public const string CiAppObjectId = "c1a00002-3b2c-4d5e-8f6a-7b8c9d0e1f02";
    public const string CiSpId = "c1a00003-3b2c-4d5e-8f6a-7b8c9d0e1f03";
    public const string CiCertAppId = "c1a00004-3b2c-4d5e-8f6a-7b8c9d0e1f04";
    public const string CiCertAppObjectId = "c1a00005-3b2c-4d5e-8f6a-7b8c9d0e1f05";
    public const string CiCertSpId = "c1a00006-3b2c-4d5e-8f6a-7b8c9d0e1f06";

    // The ci application's federated identity credential (workload identity federation, GitHub-style subject).
    public const string CiFederatedCredentialId = "c1a00007-3b2c-4d5e-8f6a-7b8c9d0e1f07";
    public const string CiFederatedSubject = "repo:contoso/hci-fleet:environment:production";

    /// <summary>The audience Entra ID expects in federated tokens (docs: federatedIdentityCredential.audiences).</summary>
    public const string TokenExchangeAudience = "api://AzureADTokenExchange";

    // First-party applications, with their real application ids.
    public const string AzureCliAppId = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
    public const string AzurePowerShellAppId = "1950a258-227b-4e31-a9cf-717495945fc2";
    public const string MicrosoftGraphAppId = "00000003-0000-0000-c000-000000000000";
    public const string HciServiceAppId = "1322e676-dee7-41ee-a874-ac923822781c";
    public const string MicrosoftGraphSpId = "f1a50001-6c7d-4e8f-9a0b-1c2d3e4f5a01";
    public const string HciServiceSpId = "f1a50002-6c7d-4e8f-9a0b-1c2d3e4f5a02";

    /// <summary>The Azure Stack HCI resource provider's service principal (clusters' resourceProviderObjectId).</summary>
    public const string HciResourceProviderAppId = "f1a50003-6c7d-4e8f-9a0b-1c2d3e4f5a03";
    public const string HciResourceProviderSpId = "f1a50004-6c7d-4e8f-9a0b-1c2d3e4f5a04";

    // Microsoft Graph application permissions (real app role ids).
    public const string GraphApplicationReadWriteAll = "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9";
    public const string GraphAppRoleAssignmentReadWriteAll = "06b708a9-e830-4db3-a914-8e69da51d44f";

    // Built-in Azure roles (real role definition ids).
    public const string Owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    public const string Contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    public const string Reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    public const string UserAccessAdministrator = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
    public const string ConnectedMachineOnboarding = "b64e21ea-ac4e-4cdf-9dc9-5b892992bee7";
    public const string ConnectedMachineResourceAdministrator = "cd570a14-e51a-42ad-bac8-bafd67325302";
    public const string ConnectedMachineResourceManager = "f5819b54-e033-4d82-ac66-4fec3cbf3f4c";
    public const string HciRegistrationRole = "7a3c1e55-90b2-4d6e-8f1a-2b3c4d5e6f70";

    public const string GlobalAdministrator = "Global Administrator";
    public const string CloudApplicationAdministrator = "Cloud Application Administrator";
}
