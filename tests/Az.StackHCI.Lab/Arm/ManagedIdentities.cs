using System.Text.Json.Nodes;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Arm;

/// <summary>
/// System-assigned identities: like Azure, each is a service principal in the directory (type ManagedIdentity),
/// so role assignments can name it once it has replicated.
/// </summary>
internal static class ManagedIdentities
{
    /// <summary>Applies a requested identity ({ "type": "SystemAssigned" | "None" }) to a resource body.</summary>
    public static void Apply(ArmCall call, JsonObject resource, JsonObject? requested, string displayName)
    {
        if (requested is null)
        {
            return;
        }

        Validate(requested);
        if (!IsSystemAssigned(requested))
        {
            Remove(call.State, resource);
            resource.Remove("identity");
            return;
        }

        var existing = resource["identity"] as JsonObject;
        var principalId = ArmJson.String(existing?["principalId"]);
        if (principalId is null)
        {
            principalId = call.State.NewId();
            call.State.ServicePrincipals.Add(new LabServicePrincipal
            {
                Id = principalId,
                AppId = call.State.NewId(),
                DisplayName = displayName,
                ServicePrincipalType = "ManagedIdentity",
                AppOwnerOrganizationId = call.State.TenantId,
                ReplicatedAt = call.State.ReplicatedAtForNewObject(),
                GraphVisibleAt = call.State.GraphVisibleAtForNewObject(),
            });
        }

        resource["identity"] = new JsonObject { ["type"] = "SystemAssigned", ["principalId"] = principalId, ["tenantId"] = call.State.TenantId };
    }

    /// <summary>Checks a requested identity before anything changes.</summary>
    public static void Validate(JsonNode? requested)
    {
        var type = ArmJson.String(requested?["type"]) ?? "None";
        if (requested is not null && !IsSystemAssigned(requested) && !string.Equals(type, "None", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArmException(400, "InvalidIdentityType", $"The identity type '{type}' is not supported by this resource type; use 'SystemAssigned' or 'None'.");
        }
    }

    private static bool IsSystemAssigned(JsonNode requested) =>
        ArmJson.String(requested["type"])?.Contains("SystemAssigned", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>Deletes the identity's service principal along with its resource.</summary>
    public static void Remove(LabState state, JsonObject resource)
    {
        if (ArmJson.String(resource["identity"]?["principalId"]) is string principalId)
        {
            state.ServicePrincipals.RemoveAll(s => s.Id == principalId && s.ServicePrincipalType == "ManagedIdentity");
        }
    }
}
