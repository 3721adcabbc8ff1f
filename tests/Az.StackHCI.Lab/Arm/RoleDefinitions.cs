using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Arm;

/// <summary>Microsoft.Authorization/roleDefinitions (2022-04-01): built-in roles with their real GUIDs and custom roles.</summary>
internal static partial class RoleDefinitions
{
    public const string Type = "Microsoft.Authorization/roleDefinitions";

    /// <summary>A role by GUID or by any id ending in it ("/subscriptions/…/roleDefinitions/{guid}").</summary>
    public static LabRoleDefinition? Find(LabState state, string idOrPath)
    {
        var guid = idOrPath.TrimEnd('/').Split('/')[^1];
        return state.RoleDefinitions.FirstOrDefault(r => string.Equals(r.Id, guid, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The id ARM shows for a role: subscription-qualified when asked in a subscription.</summary>
    public static string IdAt(ArmCall call, string roleId, string scope) =>
        (scope.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase) ? ArmIds.Subscription(call.State) : "")
        + "/providers/Microsoft.Authorization/roleDefinitions/" + roleId;

    public static ArmResult Get(ArmCall call, string scope, string id) =>
        ArmResult.Ok(Render(call, Find(call.State, id) ?? throw NotFound(id), scope));

    public static ArmResult List(ArmCall call, string scope)
    {
        var filter = call.Query["$filter"].FirstOrDefault() ?? "";
        var roleName = RoleNameFilter().Match(filter) is { Success: true } n ? n.Groups[1].Value : null;
        var type = TypeFilter().Match(filter) is { Success: true } t ? t.Groups[1].Value : null;
        return ArmResult.List(call.State.RoleDefinitions
            .Where(r => !r.IsCustom || r.AssignableScopes.Any(a => Rbac.Covers(a, scope) || Rbac.Covers(scope, a)))
            .Where(r => roleName is null || string.Equals(r.RoleName, roleName, StringComparison.OrdinalIgnoreCase))
            .Where(r => type is null || string.Equals(type, r.IsCustom ? "CustomRole" : "BuiltInRole", StringComparison.OrdinalIgnoreCase))
            .Select(r => (JsonNode)Render(call, r, scope)));
    }

    /// <summary>Creates or updates a custom role (201 either way, per the spec).</summary>
    public static ArmResult Put(ArmCall call, string scope, string id)
    {
        if (!Guid.TryParse(id, out _))
        {
            throw new ArmException(400, "InvalidRoleDefinitionId", $"The role definition ID '{id}' is not valid. The role definition ID must be a GUID.");
        }

        var properties = call.Body()["properties"] as JsonObject ?? throw ArmErrors.InvalidRequestContent("Required property 'properties' not found in JSON");
        var roleName = ArmJson.String(properties["roleName"]);
        var assignableScopes = Strings(properties["assignableScopes"]);
        if (string.IsNullOrWhiteSpace(roleName) || assignableScopes.Count == 0)
        {
            throw new ArmException(400, "InvalidRoleDefinition", "A custom role needs a roleName and at least one assignable scope.");
        }

        var existing = Find(call.State, id);
        if (existing is { IsCustom: false })
        {
            throw new ArmException(400, "InvalidRoleDefinition", $"The role definition '{id}' is a built-in role and cannot be changed.");
        }

        if (call.State.RoleDefinitions.Any(r => r.Id != existing?.Id && string.Equals(r.RoleName, roleName, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArmException(409, "RoleDefinitionWithSameNameExists", "A custom role with the same name already exists in this directory. Use a different name.");
        }

        var permissions = properties["permissions"] is JsonArray { Count: > 0 } list ? list[0] as JsonObject : null;
        var role = existing ?? new LabRoleDefinition { Id = id.ToLowerInvariant(), IsCustom = true, Scope = scope };
        role.RoleName = roleName;
        role.Description = ArmJson.String(properties["description"]) ?? "";
        role.Actions = Strings(permissions?["actions"]);
        role.NotActions = Strings(permissions?["notActions"]);
        role.DataActions = Strings(permissions?["dataActions"]);
        role.NotDataActions = Strings(permissions?["notDataActions"]);
        role.AssignableScopes = assignableScopes;
        if (existing is null)
        {
            call.State.RoleDefinitions.Add(role);
        }

        return ArmResult.Created(Render(call, role, scope));
    }

    public static ArmResult Delete(ArmCall call, string scope, string id)
    {
        if (Find(call.State, id) is not { IsCustom: true } role)
        {
            return ArmResult.NoContent();
        }

        if (call.State.RoleAssignments.Any(a => a.RoleDefinitionId == role.Id))
        {
            throw new ArmException(409, "RoleDefinitionHasAssignments", "There are existing role assignments referencing role (code: RoleDefinitionHasAssignments).");
        }

        call.State.RoleDefinitions.Remove(role);
        return ArmResult.Ok(Render(call, role, scope));
    }

    private static JsonObject Render(ArmCall call, LabRoleDefinition role, string scope) => new()
    {
        ["id"] = IdAt(call, role.Id, scope),
        ["name"] = role.Id,
        ["type"] = Type,
        ["properties"] = new JsonObject
        {
            ["roleName"] = role.RoleName,
            ["type"] = role.IsCustom ? "CustomRole" : "BuiltInRole",
            ["description"] = role.Description,
            ["assignableScopes"] = Array(role.AssignableScopes),
            ["permissions"] = new JsonArray(new JsonObject
            {
                ["actions"] = Array(role.Actions),
                ["notActions"] = Array(role.NotActions),
                ["dataActions"] = Array(role.DataActions),
                ["notDataActions"] = Array(role.NotDataActions),
            }),
        },
    };

    private static ArmException NotFound(string id) =>
        new(404, "RoleDefinitionDoesNotExist", $"The specified role definition with ID '{id}' does not exist.");

    public static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(ArmJson.String).OfType<string>().ToList() : new List<string>();

    [GeneratedRegex(@"roleName\s+eq\s+'([^']*)'", RegexOptions.IgnoreCase)]
    private static partial Regex RoleNameFilter();

    [GeneratedRegex(@"type\s+eq\s+'([^']*)'", RegexOptions.IgnoreCase)]
    private static partial Regex TypeFilter();
}
