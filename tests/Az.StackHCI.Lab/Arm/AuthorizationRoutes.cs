namespace Az.StackHCI.Lab.Arm;

/// <summary>Routes of "{scope}/providers/Microsoft.Authorization/…" at any scope.</summary>
internal static class AuthorizationRoutes
{
    private const string Ns = "Microsoft.Authorization";

    public static ArmRoute Route(ArmCall call, string scope, string[] rest)
    {
        var collection = rest[0];
        if (ArmRouter.Is(collection, "permissions") && rest.Length == 1)
        {
            return ArmRouter.Get(call, ArmRoute.Anyone($"{Ns}/permissions", scope, c => Permissions.List(c, scope)));
        }

        if (ArmRouter.Is(collection, "roleAssignments"))
        {
            const string type = RoleAssignments.Type;
            if (rest.Length == 1)
            {
                return ArmRouter.Get(call, ArmRoute.Rbac(type, $"{type}/read", scope, c => RoleAssignments.List(c, scope)));
            }

            if (rest.Length == 2)
            {
                var name = rest[1];
                var id = $"{scope.TrimEnd('/')}/providers/{type}/{name}";
                return ArmRouter.Pick(call,
                    ("GET", () => ArmRoute.Rbac(type, $"{type}/read", id, c => RoleAssignments.Get(c, scope, name))),
                    ("PUT", () => ArmRoute.Rbac(type, $"{type}/write", id, c => RoleAssignments.Put(c, scope, name))),
                    ("DELETE", () => ArmRoute.Rbac(type, $"{type}/delete", id, c => RoleAssignments.Delete(c, scope, name))));
            }
        }

        // Role definitions are readable by any signed-in caller, as in Azure; only changes need RBAC.
        if (ArmRouter.Is(collection, "roleDefinitions"))
        {
            const string type = RoleDefinitions.Type;
            if (rest.Length == 1)
            {
                return ArmRouter.Get(call, ArmRoute.Anyone(type, scope, c => RoleDefinitions.List(c, scope)));
            }

            if (rest.Length == 2)
            {
                var roleId = rest[1];
                var id = $"{scope.TrimEnd('/')}/providers/{type}/{roleId}";
                return ArmRouter.Pick(call,
                    ("GET", () => ArmRoute.Anyone(type, id, c => RoleDefinitions.Get(c, scope, roleId))),
                    ("PUT", () => ArmRoute.Rbac(type, $"{type}/write", id, c => RoleDefinitions.Put(c, scope, roleId))),
                    ("DELETE", () => ArmRoute.Rbac(type, $"{type}/delete", id, c => RoleDefinitions.Delete(c, scope, roleId))));
            }
        }

        throw ArmErrors.InvalidResourceType(string.Join('/', rest), Ns, call.ApiVersion);
    }
}
