using System.Text.RegularExpressions;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Arm;

/// <summary>
/// Azure RBAC evaluation: a role assignment applies when its scope is the request scope or an ancestor of it (at
/// segment boundaries, case-insensitively); it allows an action when one of the role's Actions matches it and none
/// of the same role's NotActions does. '*' in a pattern matches any run of characters, slashes included.
/// </summary>
internal static class Rbac
{
    public static bool Covers(string assignmentScope, string requestScope)
    {
        var parent = assignmentScope.Trim('/');
        var child = requestScope.Trim('/');
        return parent.Length == 0
            || string.Equals(parent, child, StringComparison.OrdinalIgnoreCase)
            || child.StartsWith(parent + "/", StringComparison.OrdinalIgnoreCase);
    }

    public static bool Matches(string pattern, string action) =>
        Regex.IsMatch(action, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public static bool Allows(LabRoleDefinition role, string action) =>
        role.Actions.Any(a => Matches(a, action)) && !role.NotActions.Any(n => Matches(n, action));

    /// <summary>The principal's assignments that apply at the scope, with their roles.</summary>
    public static IEnumerable<(LabRoleAssignment Assignment, LabRoleDefinition Role)> Applicable(LabState state, string principalId, string scope) =>
        from assignment in state.RoleAssignments
        where string.Equals(assignment.PrincipalId, principalId, StringComparison.OrdinalIgnoreCase) && Covers(assignment.Scope, scope)
        let role = RoleDefinitions.Find(state, assignment.RoleDefinitionId)
        where role is not null
        select (assignment, role);

    public static bool IsAllowed(LabState state, string principalId, string action, string scope) =>
        Applicable(state, principalId, scope).Any(x => Allows(x.Role, action));

    /// <summary>Any assignment at, above or below the scope: what makes a subscription visible to a caller.</summary>
    public static bool HasAnyAccess(LabState state, string principalId, string scope) =>
        state.RoleAssignments.Any(a => string.Equals(a.PrincipalId, principalId, StringComparison.OrdinalIgnoreCase)
            && (Covers(a.Scope, scope) || Covers(scope, a.Scope)));

    /// <summary>Throws ARM's AuthorizationFailed unless the caller may perform the route's action.</summary>
    public static void Authorize(ArmCall call, ArmRoute route)
    {
        var oid = call.Principal.ObjectId;
        switch (route.Access)
        {
            case ArmAccess.Action when !IsAllowed(call.State, oid, route.Action!, route.Scope):
                throw ArmErrors.AuthorizationFailed(call.ClientName, oid, route.Action!, route.Scope);
            case ArmAccess.SubscriptionMember when !HasAnyAccess(call.State, oid, ArmIds.Subscription(call.State)):
                throw ArmErrors.AuthorizationFailed(call.ClientName, oid, "Microsoft.Resources/subscriptions/read", route.Scope);
        }
    }
}
