using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Graph;

/// <summary>
/// Directory permissions as Entra ID applies them. Delegated callers act with their own rights: any member user
/// reads applications and service principals; may register applications (and their service principals) while the
/// tenant lets users register applications (a B2B guest may not); manages what they own; the application admin
/// roles manage any. Granting an app role assignment (admin consent for application permissions) needs Global or
/// Privileged Role Administrator, or Cloud Application / Application Administrator for any resource but Microsoft
/// Graph. Applications act with their Graph app roles.
/// </summary>
internal static class GraphPermissions
{
    public const string GlobalAdministrator = LabIds.GlobalAdministrator;
    public const string PrivilegedRoleAdministrator = "Privileged Role Administrator";
    public const string CloudApplicationAdministrator = LabIds.CloudApplicationAdministrator;
    public const string ApplicationAdministrator = "Application Administrator";
    public const string ApplicationDeveloper = "Application Developer";

    private static readonly string[] ApplicationAdmins = { GlobalAdministrator, ApplicationAdministrator, CloudApplicationAdministrator };

    public static void RequireRead(GraphRequest request)
    {
        if (request.Caller.IsApp && !request.Caller.HasAppRole("Application.Read.All", "Application.ReadWrite.All", "Application.ReadWrite.OwnedBy", "Directory.Read.All", "Directory.ReadWrite.All"))
        {
            throw GraphException.Denied();
        }
    }

    public static void RequireCreateApplication(GraphRequest request)
    {
        var caller = request.Caller;
        var allowed = caller.IsApp
            ? caller.HasAppRole("Application.ReadWrite.All", "Application.ReadWrite.OwnedBy", "Directory.ReadWrite.All")
            : MemberMayRegister(request) || caller.HasDirectoryRole(ApplicationAdmins.Append(ApplicationDeveloper).ToArray());
        if (!allowed)
        {
            throw GraphException.Denied();
        }
    }

    public static void RequireManageApplication(GraphRequest request, LabApplication app) => RequireManage(request, app.Owners);

    public static void RequireCreateServicePrincipal(GraphRequest request, LabApplication app)
    {
        var caller = request.Caller;
        var allowed = caller.IsApp
            ? caller.HasAppRole("Application.ReadWrite.All", "Directory.ReadWrite.All")
                || (caller.HasAppRole("Application.ReadWrite.OwnedBy") && OwnedByCaller(request, app.Owners))
            : MemberMayRegister(request) || caller.HasDirectoryRole(ApplicationAdmins.Append(ApplicationDeveloper).ToArray());
        if (!allowed)
        {
            throw GraphException.Denied();
        }
    }

    public static void RequireManageServicePrincipal(GraphRequest request, LabServicePrincipal servicePrincipal) =>
        RequireManage(request, servicePrincipal.Owners);

    /// <summary>Granting or removing an app role assignment of <paramref name="resource"/>.</summary>
    public static void RequireGrant(GraphRequest request, LabServicePrincipal resource)
    {
        var caller = request.Caller;
        var allowed = caller.IsApp
            ? caller.HasAppRole("AppRoleAssignment.ReadWrite.All", "Directory.ReadWrite.All")
                && caller.HasAppRole("Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All")
            : caller.HasDirectoryRole(GlobalAdministrator, PrivilegedRoleAdministrator)
                || (caller.HasDirectoryRole(CloudApplicationAdministrator, ApplicationAdministrator)
                    && !string.Equals(resource.AppId, LabIds.MicrosoftGraphAppId, StringComparison.OrdinalIgnoreCase));
        if (!allowed)
        {
            throw GraphException.Denied();
        }
    }

    private static void RequireManage(GraphRequest request, List<string> owners)
    {
        var caller = request.Caller;
        var allowed = caller.IsApp
            ? caller.HasAppRole("Application.ReadWrite.All", "Directory.ReadWrite.All")
                || (caller.HasAppRole("Application.ReadWrite.OwnedBy") && OwnedByCaller(request, owners))
            : caller.HasDirectoryRole(ApplicationAdmins) || OwnedByCaller(request, owners);
        if (!allowed)
        {
            throw GraphException.Denied();
        }
    }

    // "Users can register applications" is a permission of member users; guests have the Guest User role's, which lack it.
    private static bool MemberMayRegister(GraphRequest request) =>
        request.State.Settings.UsersCanRegisterApplications && request.Caller.User?.UserType != "Guest";

    private static bool OwnedByCaller(GraphRequest request, List<string> owners) =>
        owners.Contains(request.Caller.ObjectId, StringComparer.OrdinalIgnoreCase);
}
