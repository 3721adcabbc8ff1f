using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Arm;

/// <summary>Microsoft.Authorization/roleAssignments (2022-04-01, wire protocols §2.5).</summary>
internal static partial class RoleAssignments
{
    public const string Type = "Microsoft.Authorization/roleAssignments";

    public static ArmResult Put(ArmCall call, string scope, string name)
    {
        if (!Guid.TryParse(name, out _))
        {
            throw new ArmException(400, "InvalidRoleAssignmentId", $"The role assignment ID '{name}' is not valid. The role assignment ID must be a GUID.");
        }

        RequireScope(call, scope);
        var properties = call.Body()["properties"] as JsonObject;
        var roleDefinitionId = ArmJson.String(properties?["roleDefinitionId"]);
        var principalId = ArmJson.String(properties?["principalId"]);
        if (roleDefinitionId is null || principalId is null)
        {
            throw ArmErrors.InvalidRequestContent($"Required property '{(roleDefinitionId is null ? "roleDefinitionId" : "principalId")}' not found in JSON. Path 'properties'");
        }

        var role = RoleDefinitions.Find(call.State, roleDefinitionId)
            ?? throw new ArmException(400, "RoleDefinitionDoesNotExist", $"The specified role definition with ID '{roleDefinitionId.Split('/')[^1]}' does not exist.");
        var principal = call.State.FindPrincipal(principalId) ?? throw PrincipalNotFound(call, principalId);
        var principalType = ArmJson.String(properties!["principalType"]);
        if (principalType is not null && !string.Equals(principalType, principal.Type, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArmException(400, "UnmatchedPrincipalType",
                $"The PrincipalId '{principalId.Replace("-", "", StringComparison.Ordinal)}' has type '{principal.Type}' , which is different from specified PrincipalType '{principalType}'.");
        }

        var byName = call.State.RoleAssignments.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
        if (byName is not null)
        {
            if (!SameScope(byName.Scope, scope) || byName.RoleDefinitionId != role.Id || !string.Equals(byName.PrincipalId, principalId, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArmException(400, "RoleAssignmentUpdateNotPermitted", "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.");
            }

            return ArmResult.Ok(Render(call, byName));
        }

        var duplicate = call.State.RoleAssignments.FirstOrDefault(a => SameScope(a.Scope, scope) && a.RoleDefinitionId == role.Id
            && string.Equals(a.PrincipalId, principalId, StringComparison.OrdinalIgnoreCase));
        if (duplicate is not null)
        {
            throw new ArmException(409, "RoleAssignmentExists",
                $"The role assignment already exists. The ID of the existing role assignment is {duplicate.Name.Replace("-", "", StringComparison.Ordinal)}.");
        }

        var assignment = new LabRoleAssignment
        {
            Name = name.ToLowerInvariant(), Scope = scope, RoleDefinitionId = role.Id, PrincipalId = principalId.ToLowerInvariant(),
            PrincipalType = principal.Type, CreatedOn = call.Now,
        };
        call.State.RoleAssignments.Add(assignment);
        return ArmResult.Created(Render(call, assignment));
    }

    public static ArmResult Get(ArmCall call, string scope, string name) =>
        ArmResult.Ok(Render(call, Find(call, scope, name) ?? throw NotFound(name)));

    public static ArmResult Delete(ArmCall call, string scope, string name)
    {
        if (Find(call, scope, name) is not { } assignment)
        {
            return ArmResult.NoContent();
        }

        call.State.RoleAssignments.Remove(assignment);
        return ArmResult.Ok(Render(call, assignment));
    }

    /// <summary>
    /// Assignments at, above and below the scope; $filter narrows to atScope() (at and above), principalId eq '…'
    /// or assignedTo('…') (the lab has no groups, so both mean the principal itself).
    /// </summary>
    public static ArmResult List(ArmCall call, string scope)
    {
        RequireScope(call, scope);
        var filter = call.Query["$filter"].FirstOrDefault() ?? "";
        var atScope = AtScopeFilter().IsMatch(filter);
        var principal = PrincipalFilter().Match(filter) is { Success: true } p ? p.Groups[1].Value
            : AssignedToFilter().Match(filter) is { Success: true } a ? a.Groups[1].Value : null;
        if (filter.Length > 0 && !atScope && principal is null)
        {
            throw new ArmException(400, "UnsupportedQuery", $"The filter '{filter}' is not supported. Supported filters: atScope(), principalId eq '{{id}}', assignedTo('{{id}}').");
        }

        return ArmResult.List(call.State.RoleAssignments
            .Where(x => Rbac.Covers(x.Scope, scope) || (!atScope && Rbac.Covers(scope, x.Scope)))
            .Where(x => principal is null || string.Equals(x.PrincipalId, principal, StringComparison.OrdinalIgnoreCase))
            .Select(x => (JsonNode)Render(call, x)));
    }

    /// <summary>The canonical spelling of a scope from a request path ("resourcegroups" → "resourceGroups").</summary>
    public static string CanonicalScope(string scope)
    {
        var parts = scope.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i += 2)
        {
            parts[i] = parts[i].ToUpperInvariant() switch
            {
                "SUBSCRIPTIONS" => "subscriptions",
                "RESOURCEGROUPS" => "resourceGroups",
                "PROVIDERS" => "providers",
                _ => parts[i],
            };
        }

        return "/" + string.Join('/', parts);
    }

    private static void RequireScope(ArmCall call, string scope)
    {
        if (ArmIds.ResourceGroupOf(scope) is string group)
        {
            ArmResources.RequireResourceGroup(call, group);
        }
    }

    private static LabRoleAssignment? Find(ArmCall call, string scope, string name) =>
        call.State.RoleAssignments.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase) && SameScope(a.Scope, scope));

    private static bool SameScope(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private static JsonObject Render(ArmCall call, LabRoleAssignment assignment) => new()
    {
        ["id"] = $"{assignment.Scope.TrimEnd('/')}/providers/Microsoft.Authorization/roleAssignments/{assignment.Name}",
        ["name"] = assignment.Name,
        ["type"] = Type,
        ["properties"] = new JsonObject
        {
            ["roleDefinitionId"] = RoleDefinitions.IdAt(call, assignment.RoleDefinitionId, assignment.Scope),
            ["principalId"] = assignment.PrincipalId,
            ["principalType"] = assignment.PrincipalType,
            ["scope"] = assignment.Scope,
            ["createdOn"] = ArmJson.Time(assignment.CreatedOn),
            ["updatedOn"] = ArmJson.Time(assignment.CreatedOn),
        },
    };

    private static ArmException NotFound(string name) =>
        new(404, "RoleAssignmentNotFound", $"The role assignment '{name}' is not found.");

    /// <summary>ARM's answer for a principal the directory does not know yet (or at all).</summary>
    private static ArmException PrincipalNotFound(ArmCall call, string principalId) =>
        new(400, "PrincipalNotFound",
            $"Principal {principalId.Replace("-", "", StringComparison.Ordinal)} does not exist in the directory {call.State.TenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype");

    [GeneratedRegex(@"atScope\(\)", RegexOptions.IgnoreCase)]
    private static partial Regex AtScopeFilter();

    [GeneratedRegex(@"principalId\s+eq\s+'([^']*)'", RegexOptions.IgnoreCase)]
    private static partial Regex PrincipalFilter();

    [GeneratedRegex(@"assignedTo\('([^']*)'\)", RegexOptions.IgnoreCase)]
    private static partial Regex AssignedToFilter();
}
