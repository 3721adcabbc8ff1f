using System.Text.Json.Nodes;

namespace Az.StackHCI.Lab.Arm;

/// <summary>
/// GET /providers/{namespace}/operations (Operations_List; ARM common types' OperationListResult): what the
/// Azure Stack HCI provider offers, as RBAC names them ("{type}/{action}/action"). Tenant-level, any valid token.
/// Without the service-managed identity the provider lacks createClusterIdentity, uploadCertificate,
/// createArcIdentity and generatePassword — which is how a client tells the two kinds of provider apart.
/// </summary>
internal static class ProviderOperations
{
    private const string Hci = Clusters.Namespace;

    /// <summary>Operation name, resource (display), operation and description (display), service-managed identity only.</summary>
    private static readonly (string Name, string Resource, string Operation, string Description, bool ManagedIdentity)[] HciOperations =
    {
        ($"{Hci}/register/action", "Microsoft.AzureStackHCI", "Register the Azure Stack HCI resource provider", "Registers the subscription for the Azure Stack HCI resource provider and enables the creation of Azure Stack HCI resources.", false),
        ($"{Hci}/unregister/action", "Microsoft.AzureStackHCI", "Unregister the Azure Stack HCI resource provider", "Unregisters the subscription for the Azure Stack HCI resource provider.", false),
        ($"{Hci}/operations/read", "operations", "List operations", "Gets the operations of the Azure Stack HCI resource provider.", false),
        ($"{Hci}/locations/operationStatuses/read", "locations/operationStatuses", "Read operation status", "Reads the status of an asynchronous operation.", false),
        ($"{Hci}/clusters/read", "clusters", "Read clusters", "Gets clusters.", false),
        ($"{Hci}/clusters/write", "clusters", "Create or update clusters", "Creates or updates a cluster.", false),
        ($"{Hci}/clusters/delete", "clusters", "Delete clusters", "Deletes a cluster and its child resources.", false),
        ($"{Hci}/clusters/uploadCertificate/action", "clusters", "Upload certificates", "Adds the nodes' certificates to the cluster's identity.", true),
        ($"{Hci}/clusters/createClusterIdentity/action", "clusters", "Create the cluster identity", "Creates the cluster's identity (Microsoft Entra application and service principal).", true),
        ($"{Hci}/clusters/extendSoftwareAssuranceBenefit/action", "clusters", "Extend the Software Assurance benefit", "Changes the cluster's Software Assurance intent.", false),
        ($"{Hci}/clusters/arcSettings/read", "clusters/arcSettings", "Read arc settings", "Gets the cluster's Azure Arc settings.", false),
        ($"{Hci}/clusters/arcSettings/write", "clusters/arcSettings", "Create or update arc settings", "Creates or updates the cluster's Azure Arc settings.", false),
        ($"{Hci}/clusters/arcSettings/delete", "clusters/arcSettings", "Delete arc settings", "Deletes the cluster's Azure Arc settings.", false),
        ($"{Hci}/clusters/arcSettings/generatePassword/action", "clusters/arcSettings", "Generate a password", "Generates a password for the Arc onboarding identity.", true),
        ($"{Hci}/clusters/arcSettings/createArcIdentity/action", "clusters/arcSettings", "Create the Arc identity", "Creates the Arc onboarding identity (Microsoft Entra application and service principal).", true),
        ($"{Hci}/clusters/arcSettings/consentAndInstallDefaultExtensions/action", "clusters/arcSettings", "Consent to and install the default extensions", "Records consent for the default extensions and starts their installation.", false),
        ($"{Hci}/clusters/arcSettings/initializeDisableProcess/action", "clusters/arcSettings", "Start disabling Arc", "Initializes the Azure Arc disable process on the cluster.", false),
        ($"{Hci}/clusters/arcSettings/extensions/read", "clusters/arcSettings/extensions", "Read extensions", "Gets the Arc extensions of the cluster.", false),
        ($"{Hci}/clusters/arcSettings/extensions/write", "clusters/arcSettings/extensions", "Create or update extensions", "Creates or updates an Arc extension of the cluster.", false),
        ($"{Hci}/clusters/arcSettings/extensions/delete", "clusters/arcSettings/extensions", "Delete extensions", "Deletes an Arc extension of the cluster.", false),
    };

    public static ArmRoute Route(ArmCall call, string ns)
    {
        if (!ArmRouter.Is(ns, Hci))
        {
            throw call.State.Providers.TryGetValue(ns, out var provider)
                ? ArmErrors.InvalidResourceType("operations", provider.Namespace, call.ApiVersion)
                : ArmErrors.InvalidResourceNamespace(ns);
        }

        return ArmRouter.Get(call, ArmRoute.Anyone($"{Hci}/operations", "/", List));
    }

    private static ArmResult List(ArmCall call)
    {
        var managedIdentity = call.State.Settings.ServiceManagedIdentity;
        return ArmResult.List(HciOperations.Where(o => managedIdentity || !o.ManagedIdentity).Select(o => (JsonNode)new JsonObject
        {
            ["name"] = o.Name,
            ["isDataAction"] = false,
            ["display"] = new JsonObject
            {
                ["provider"] = Hci, ["resource"] = o.Resource, ["operation"] = o.Operation, ["description"] = o.Description,
            },
            ["origin"] = "user,system",
        }));
    }
}
