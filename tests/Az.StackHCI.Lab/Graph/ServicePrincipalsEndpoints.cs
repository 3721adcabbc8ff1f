using System.Text.Json.Nodes;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Graph;

/// <summary>
/// /servicePrincipals (wire protocols §4.3): create from an appId, read by id or appId, list, update, delete, owners.
/// One created moments ago is not found yet while the directory replicates (graphNotFoundMs), nor is the Azure Stack
/// HCI service's while the tenant lacks it (hciServicePrincipalAbsentMs).
/// </summary>
internal static class ServicePrincipalsEndpoints
{
    private static readonly IReadOnlySet<string> Filterable = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "id", "appId", "displayName", "servicePrincipalType", "accountEnabled", "appOwnerOrganizationId",
    };

    private static readonly IReadOnlySet<string> ReadOnly = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "id", "appId", "deletedDateTime", "appDisplayName", "appOwnerOrganizationId", "servicePrincipalNames", "servicePrincipalType",
        "signInAudience", "appRoles",
    };

    private static readonly IReadOnlySet<string> Writable = GraphJson.ServicePrincipalDefaults().Select(p => p.Key).Concat(ReadOnly).Append("displayName")
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    public static IReadOnlySet<string> Properties { get; } = GraphJson.Properties(GraphJson.ServicePrincipal(new LabServicePrincipal(), null));

    public static GraphResult Handle(GraphRequest request, string? id, string? appId, IReadOnlyList<string> rest)
    {
        var state = request.State;
        if (id is null && appId is null)
        {
            return request.Method switch
            {
                "GET" => List(request),
                "POST" => Create(request),
                _ => throw GraphException.MethodNotAllowed(),
            };
        }

        var servicePrincipal = (appId is not null ? state.FindServicePrincipalByAppId(appId) : state.FindServicePrincipal(id!))
            is { } found && state.InGraph(found) ? found : throw GraphException.NotFound(appId ?? id!);
        if (rest.Count == 0)
        {
            return request.Method switch
            {
                "GET" => Get(request, servicePrincipal),
                "PATCH" => Update(request, servicePrincipal),
                "DELETE" => Delete(request, servicePrincipal),
                _ => throw GraphException.MethodNotAllowed(),
            };
        }

        return rest[0] switch
        {
            "owners" when rest.Count == 1 => OwnersEndpoint.Handle(request, servicePrincipal.Owners),
            "appRoleAssignments" or "appRoleAssignedTo" when rest.Count <= 2 =>
                AppRoleAssignmentsEndpoints.Handle(request, servicePrincipal, assignedTo: rest[0] == "appRoleAssignedTo", rest.Count == 2 ? rest[1] : null),
            _ => throw GraphException.UnknownSegment(rest[rest.Count > 2 ? 2 : 0]),
        };
    }

    /// <summary>Removes a service principal with the app role assignments it holds and grants.</summary>
    public static void Remove(LabState state, LabServicePrincipal servicePrincipal)
    {
        state.ServicePrincipals.Remove(servicePrincipal);
        state.AppRoleAssignments.RemoveAll(a => a.PrincipalId == servicePrincipal.Id || a.ResourceId == servicePrincipal.Id);
    }

    private static GraphResult List(GraphRequest request)
    {
        GraphPermissions.RequireRead(request);
        var items = request.State.ServicePrincipals.Where(request.State.InGraph).Select(s => Json(request.State, s));
        return GraphResult.Ok(request.Query.Collection(request, "servicePrincipals", GraphJson.ServicePrincipalType, items, Filterable, Properties, request.State.Settings.GraphPageSize));
    }

    private static GraphResult Get(GraphRequest request, LabServicePrincipal servicePrincipal)
    {
        GraphPermissions.RequireRead(request);
        request.Query.CheckSelect(Properties, GraphJson.ServicePrincipalType);
        return GraphResult.Ok(ApplicationsEndpoints.Entity(request, "servicePrincipals", request.Query.Project(Json(request.State, servicePrincipal))));
    }

    private static GraphResult Create(GraphRequest request)
    {
        var state = request.State;
        var body = request.RequireBody();
        var appId = GraphInput.Guid(body, "appId") ?? throw GraphException.BadRequest("Property 'appId' is required to create a service principal.");
        var app = state.FindApplicationByAppId(appId)
            ?? throw GraphException.BadRequest($"The appId '{appId}' of the service principal does not reference a valid application object.");
        GraphPermissions.RequireCreateServicePrincipal(request, app);
        GraphInput.RequireKnown(body, Writable, GraphJson.ServicePrincipalType);
        if (state.HciServicePrincipalAbsent && state.FindServicePrincipalByAppId(appId) is { } missing && !state.InGraph(missing))
        {
            // A new tenant lacks the first-party service's principal until someone creates it (New-AzADServicePrincipal
            // -ApplicationId …): the lab's stands for the one made now.
            state.Settings.HciServicePrincipalAbsentUntil = null;
            return GraphResult.Created(ApplicationsEndpoints.Entity(request, "servicePrincipals", Json(state, missing)));
        }

        if (state.FindServicePrincipalByAppId(appId) is not null)
        {
            throw new GraphException(409, "Request_MultipleObjectsWithSameKeyValue",
                $"The service principal cannot be created, updated, or restored because the service principal name {appId} is already in use.");
        }

        var servicePrincipal = new LabServicePrincipal
        {
            Id = state.NewId(),
            AppId = app.AppId,
            DisplayName = app.DisplayName,
            AppOwnerOrganizationId = state.TenantId,
            AppRoles = app.AppRoles,
            ReplicatedAt = state.ReplicatedAtForNewObject(),
            GraphVisibleAt = state.GraphVisibleAtForNewObject(),
            Owners = { request.Caller.ObjectId },
        };
        Keep(servicePrincipal, body);
        state.ServicePrincipals.Add(servicePrincipal);
        return GraphResult.Created(ApplicationsEndpoints.Entity(request, "servicePrincipals", Json(state, servicePrincipal)));
    }

    private static GraphResult Update(GraphRequest request, LabServicePrincipal servicePrincipal)
    {
        GraphPermissions.RequireManageServicePrincipal(request, servicePrincipal);
        var body = request.RequireBody();
        GraphInput.RequireKnown(body, Writable, GraphJson.ServicePrincipalType);
        Keep(servicePrincipal, body);
        return GraphResult.NoContent;
    }

    private static GraphResult Delete(GraphRequest request, LabServicePrincipal servicePrincipal)
    {
        GraphPermissions.RequireManageServicePrincipal(request, servicePrincipal);
        Remove(request.State, servicePrincipal);
        return GraphResult.NoContent;
    }

    private static JsonObject Json(LabState state, LabServicePrincipal servicePrincipal) =>
        GraphJson.ServicePrincipal(servicePrincipal, state.FindApplicationByAppId(servicePrincipal.AppId));

    private static void Keep(LabServicePrincipal servicePrincipal, JsonObject body)
    {
        if (body.ContainsKey("displayName"))
        {
            servicePrincipal.DisplayName = GraphInput.String(body, "displayName") is { Length: > 0 } name
                ? name
                : throw GraphException.BadRequest("Property 'displayName' cannot be empty.");
        }

        foreach (var (name, value) in body)
        {
            if (!name.Contains('@') && !ReadOnly.Contains(name) && name != "displayName")
            {
                servicePrincipal.OtherProperties[name] = value?.DeepClone();
            }
        }
    }
}
