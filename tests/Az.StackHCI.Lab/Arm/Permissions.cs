using System.Text.Json.Nodes;

namespace Az.StackHCI.Lab.Arm;

/// <summary>
/// GET {scope}/providers/Microsoft.Authorization/permissions: the caller's own effective permissions, one entry per
/// role assignment that applies at the scope. Any caller may ask about itself.
/// </summary>
internal static class Permissions
{
    public static ArmResult List(ArmCall call, string scope) =>
        ArmResult.List(Rbac.Applicable(call.State, call.Principal.ObjectId, scope).Select(x => (JsonNode)new JsonObject
        {
            ["actions"] = RoleDefinitions.Array(x.Role.Actions),
            ["notActions"] = RoleDefinitions.Array(x.Role.NotActions),
            ["dataActions"] = RoleDefinitions.Array(x.Role.DataActions),
            ["notDataActions"] = RoleDefinitions.Array(x.Role.NotDataActions),
        }));
}
