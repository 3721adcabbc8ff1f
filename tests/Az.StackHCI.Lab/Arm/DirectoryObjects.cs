using System.Text.Json.Nodes;
using Az.StackHCI.Lab.State;
using Az.StackHCI.Lab.Tokens;

namespace Az.StackHCI.Lab.Arm;

/// <summary>
/// Applications the HCI resource provider creates in the customer's tenant (cluster and Arc identities). The
/// provider's service principal owns them (so it may change and delete them), and the cluster's application gets
/// what admin consent would give: it asks for the Azure Stack HCI service's four app roles (requiredResourceAccess)
/// and its service principal holds them (app role assignments on the service's principal), so a node signing in
/// with a certificate uploaded by uploadCertificate gets a token with those roles. Everything reaches sign-in after
/// the replication delay, as objects created through Graph do.
/// </summary>
internal static class DirectoryObjects
{
    public static (LabApplication Application, LabServicePrincipal ServicePrincipal) CreateApplication(LabState state, string displayName, bool hciServiceRoles = false)
    {
        var replicatedAt = state.ReplicatedAtForNewObject();
        var graphVisibleAt = state.GraphVisibleAtForNewObject();
        var application = new LabApplication
        {
            Id = state.NewId(), AppId = state.NewId(), DisplayName = displayName, CreatedDateTime = state.Now, ReplicatedAt = replicatedAt,
            GraphVisibleAt = graphVisibleAt, Owners = { LabIds.HciResourceProviderSpId },
        };
        var servicePrincipal = new LabServicePrincipal
        {
            Id = state.NewId(), AppId = application.AppId, DisplayName = displayName, AppOwnerOrganizationId = state.TenantId, ReplicatedAt = replicatedAt,
            GraphVisibleAt = graphVisibleAt, Owners = { LabIds.HciResourceProviderSpId },
        };
        state.Applications.Add(application);
        state.ServicePrincipals.Add(servicePrincipal);
        if (hciServiceRoles)
        {
            GrantHciServiceRoles(state, application, servicePrincipal, replicatedAt);
        }

        return (application, servicePrincipal);
    }

    /// <summary>
    /// Deleting the resource that holds a provider-made identity deletes that identity (application and service
    /// principal) with it, as the provider owns it; an application the provider does not own is the customer's and stays.
    /// </summary>
    public static void DeleteIfProviderOwned(LabState state, string? appId)
    {
        if (appId is null || state.FindApplicationByAppId(appId) is not { } application
            || !application.Owners.Contains(LabIds.HciResourceProviderSpId, StringComparer.OrdinalIgnoreCase))
        {
            return;
        }

        state.Applications.Remove(application);
        if (state.FindServicePrincipalByAppId(appId) is { } servicePrincipal)
        {
            Graph.ServicePrincipalsEndpoints.Remove(state, servicePrincipal);
        }
    }

    private static void GrantHciServiceRoles(LabState state, LabApplication application, LabServicePrincipal servicePrincipal, DateTimeOffset replicatedAt)
    {
        application.RequiredResourceAccess = new JsonArray(new JsonObject
        {
            ["resourceAppId"] = LabIds.HciServiceAppId,
            ["resourceAccess"] = new JsonArray(LabSeed.HciServiceRoles.Select(r => (JsonNode)new JsonObject { ["id"] = r.Id, ["type"] = "Role" }).ToArray()),
        });
        foreach (var (roleId, _) in LabSeed.HciServiceRoles)
        {
            state.AppRoleAssignments.Add(new LabAppRoleAssignment
            {
                // Graph's ids are opaque base64url strings (the principal's id bytes and more), not GUIDs.
                Id = Jwt.Encode(Guid.Parse(servicePrincipal.Id).ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray()),
                AppRoleId = roleId,
                PrincipalId = servicePrincipal.Id,
                PrincipalType = "ServicePrincipal",
                ResourceId = LabIds.HciServiceSpId,
                CreatedDateTime = state.Now,
                ReplicatedAt = replicatedAt,
            });
        }
    }
}
