using System.Text.Json.Nodes;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Graph;

/// <summary>
/// GET /applications/{id}/owners and /servicePrincipals/{id}/owners: the owners as a collection of directoryObjects
/// (context "$metadata#directoryObjects"), each with its @odata.type (#microsoft.graph.user or
/// #microsoft.graph.servicePrincipal) and that type's default properties, as Graph v1.0 answers. Whoever may read
/// the object may read its owners.
/// </summary>
internal static class OwnersEndpoint
{
    private static readonly IReadOnlySet<string> Filterable = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "id" };

    private static readonly IReadOnlySet<string> Properties =
        GraphJson.Properties(GraphJson.User(new LabUser())).Concat(ServicePrincipalsEndpoints.Properties).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public static GraphResult Handle(GraphRequest request, IEnumerable<string> ownerIds)
    {
        if (request.Method != "GET")
        {
            throw GraphException.MethodNotAllowed();
        }

        GraphPermissions.RequireRead(request);
        var state = request.State;
        var items = new List<JsonObject>();
        foreach (var id in ownerIds.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (state.Users.Values.FirstOrDefault(u => string.Equals(u.Id, id, StringComparison.OrdinalIgnoreCase)) is { } user)
            {
                items.Add(Typed(GraphJson.UserType, GraphJson.User(user)));
            }
            else if (state.FindServicePrincipal(id) is { } servicePrincipal && state.InGraph(servicePrincipal))
            {
                items.Add(Typed(GraphJson.ServicePrincipalType, GraphJson.ServicePrincipal(servicePrincipal, state.FindApplicationByAppId(servicePrincipal.AppId))));
            }
        }

        return GraphResult.Ok(request.Query.Collection(request, "directoryObjects", GraphJson.DirectoryObjectType, items, Filterable, Properties, state.Settings.GraphPageSize));
    }

    /// <summary>The entity with its type annotation first, as Graph writes members of a directoryObject collection.</summary>
    private static JsonObject Typed(string type, JsonObject entity)
    {
        var typed = new JsonObject { ["@odata.type"] = "#" + type };
        foreach (var (name, value) in entity.ToList())
        {
            entity.Remove(name);
            typed[name] = value;
        }

        return typed;
    }
}
