using Az.StackHCI.Lab.State;
using Az.StackHCI.Lab.Tokens;

namespace Az.StackHCI.Lab.Graph;

/// <summary>
/// /servicePrincipals/{id}/appRoleAssignments (what the principal holds) and /appRoleAssignedTo (what a resource
/// has granted): list, create (admin consent for application permissions), read, delete.
/// </summary>
internal static class AppRoleAssignmentsEndpoints
{
    private const string DefaultAccessRoleId = "00000000-0000-0000-0000-000000000000";

    private static readonly IReadOnlySet<string> Filterable = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "id", "resourceId", "principalId", "appRoleId", "principalType",
    };

    private static readonly IReadOnlySet<string> Writable = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "principalId", "resourceId", "appRoleId", "principalType", "id", "createdDateTime", "deletedDateTime", "principalDisplayName", "resourceDisplayName",
    };

    public static IReadOnlySet<string> Properties { get; } =
        GraphJson.Properties(GraphJson.AppRoleAssignment(new LabAppRoleAssignment(), null));

    public static GraphResult Handle(GraphRequest request, LabServicePrincipal servicePrincipal, bool assignedTo, string? assignmentId)
    {
        var state = request.State;
        var relation = assignedTo ? "appRoleAssignedTo" : "appRoleAssignments";
        var contextPath = $"servicePrincipals('{servicePrincipal.Id}')/{relation}";
        bool Belongs(LabAppRoleAssignment a) => assignedTo ? a.ResourceId == servicePrincipal.Id : a.PrincipalId == servicePrincipal.Id;
        if (assignmentId is null)
        {
            switch (request.Method)
            {
                case "GET":
                    GraphPermissions.RequireRead(request);
                    var items = state.AppRoleAssignments.Where(Belongs).Select(a => GraphJson.AppRoleAssignment(a, state));
                    return GraphResult.Ok(request.Query.Collection(request, contextPath, GraphJson.AppRoleAssignmentType, items, Filterable, Properties, state.Settings.GraphPageSize));
                case "POST":
                    return Create(request, servicePrincipal, assignedTo, contextPath);
                default:
                    throw GraphException.MethodNotAllowed();
            }
        }

        var assignment = state.AppRoleAssignments.FirstOrDefault(a => a.Id == assignmentId && Belongs(a)) ?? throw GraphException.NotFound(assignmentId);
        switch (request.Method)
        {
            case "GET":
                GraphPermissions.RequireRead(request);
                request.Query.CheckSelect(Properties, GraphJson.AppRoleAssignmentType);
                return GraphResult.Ok(ApplicationsEndpoints.Entity(request, contextPath, request.Query.Project(GraphJson.AppRoleAssignment(assignment, state))));
            case "DELETE":
                GraphPermissions.RequireGrant(request, state.FindServicePrincipal(assignment.ResourceId) ?? servicePrincipal);
                state.AppRoleAssignments.Remove(assignment);
                return GraphResult.NoContent;
            default:
                throw GraphException.MethodNotAllowed();
        }
    }

    private static GraphResult Create(GraphRequest request, LabServicePrincipal servicePrincipal, bool assignedTo, string contextPath)
    {
        var state = request.State;
        var body = request.RequireBody();
        GraphInput.RequireKnown(body, Writable, GraphJson.AppRoleAssignmentType);
        var principalId = GraphInput.Guid(body, "principalId") ?? throw GraphException.BadRequest("Property 'principalId' is required.");
        var resourceId = GraphInput.Guid(body, "resourceId") ?? throw GraphException.BadRequest("Property 'resourceId' is required.");
        var appRoleId = GraphInput.Guid(body, "appRoleId") ?? throw GraphException.BadRequest("Property 'appRoleId' is required.");

        // The URL names one side of the assignment; the body must agree with it.
        if (!string.Equals(assignedTo ? resourceId : principalId, servicePrincipal.Id, StringComparison.OrdinalIgnoreCase))
        {
            throw GraphException.BadRequest(assignedTo
                ? "The resourceId in the request body must be the service principal the request is addressed to."
                : "The principalId in the request body must be the service principal the request is addressed to.");
        }

        // An object the body names that Graph cannot find (unknown, or created moments ago and still replicating) is a
        // bad request, not a missing resource: Graph answers 400 Request_BadRequest with its not-found text.
        var resource = state.FindServicePrincipal(resourceId) is { } found && state.InGraph(found) ? found : throw GraphException.ReferenceNotFound(resourceId);
        GraphPermissions.RequireGrant(request, resource);
        var principal = state.FindPrincipal(principalId, requireReplicated: false) is { } named
            && (named.Type == "User" || state.FindServicePrincipal(principalId) is not { } principalSp || state.InGraph(principalSp))
            ? named
            : throw GraphException.ReferenceNotFound(principalId);
        var memberType = principal.Type == "User" ? "User" : "Application";
        var role = resource.AppRoles.FirstOrDefault(r => string.Equals(r.Id, appRoleId, StringComparison.OrdinalIgnoreCase));
        var isDefaultAccess = appRoleId == DefaultAccessRoleId && principal.Type == "User";
        if (!isDefaultAccess && (role is null || !role.IsEnabled || !role.AllowedMemberTypes.Contains(memberType)))
        {
            throw GraphException.BadRequest($"Permission being assigned was not found on application '{resource.AppId}': no enabled app role '{appRoleId}' for {memberType.ToLowerInvariant()} principals.");
        }

        if (state.AppRoleAssignments.Any(a => a.PrincipalId == principalId && a.ResourceId == resourceId && a.AppRoleId == appRoleId))
        {
            throw GraphException.BadRequest("Permission being assigned already exists on the object");
        }

        var assignment = new LabAppRoleAssignment
        {
            // Graph's ids are opaque base64url strings (the principal's id bytes and more), not GUIDs.
            Id = Jwt.Encode(Guid.Parse(principalId).ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray()),
            AppRoleId = appRoleId,
            PrincipalId = principalId,
            PrincipalType = principal.Type,
            ResourceId = resourceId,
            CreatedDateTime = state.Now,
            ReplicatedAt = state.ReplicatedAtForNewObject(),
        };
        state.AppRoleAssignments.Add(assignment);
        return GraphResult.Created(ApplicationsEndpoints.Entity(request, contextPath, GraphJson.AppRoleAssignment(assignment, state)));
    }
}
