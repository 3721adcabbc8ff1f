using System.Text.Json.Nodes;
using Az.StackHCI.Lab.Hosting;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Hci;

/// <summary>
/// The Azure Stack HCI service (data plane) that nodes sync with. Microsoft publishes no contract for it, so this
/// is the lab's own small one (docs/lab.md): a node proves itself with an app token for the billing scope, got by
/// a client assertion signed with its own certificate, issued to the cluster's application and holding the
/// service's app roles; it can then verify its certificate, register the cluster and sync its census. Each call
/// lands on the ARM cluster resource.
/// </summary>
internal static class HciEndpoints
{
    public static void Map(WebApplication app, LabContext lab)
    {
        app.MapGet("/health", () => Results.Text("Healthy", "text/plain"));

        var cluster = app.MapGroup("/{region}/clusters/{cloudId}");
        cluster.MapPost("/verifyCertificate", (string region, string cloudId, HttpContext context) =>
            Handle(lab, context, region, cloudId, new[] { "ClusterRead" }, (call, _) => Results.Json(new JsonObject
            {
                ["cloudId"] = cloudId,
                ["resourceId"] = call.Cluster["id"]!.GetValue<string>(),
                ["aadClientId"] = call.AppId,
                ["roles"] = new JsonArray(call.Roles.Select(r => (JsonNode)r).ToArray()),
            })));

        cluster.MapPut("/registration", (string region, string cloudId, HttpContext context, JsonObject body) =>
            Handle(lab, context, region, cloudId, new[] { "ClusterReadWrite" }, (call, now) =>
            {
                var properties = call.Properties;
                properties["registrationTimestamp"] ??= Iso(now);
                MarkConnected(properties, now);
                Census.Apply(properties, body, now);
                Census.ApplyArc(call.Resource, body);
                return Results.Json(Registration(call, properties));
            }));

        cluster.MapPost("/sync", (string region, string cloudId, HttpContext context, JsonObject body) =>
            Handle(lab, context, region, cloudId, new[] { "ClusterReadWrite", "ClusterNodeReadWrite" }, (call, now) =>
            {
                var properties = call.Properties;
                if (properties["registrationTimestamp"] is null)
                {
                    return HciError.Result(409, "ClusterNotRegistered", $"The cluster with cloud id '{cloudId}' has not registered yet. Register it (PUT .../registration) before the first sync.");
                }

                MarkConnected(properties, now);
                Census.Apply(properties, body, now);
                Census.ApplyArc(call.Resource, body);
                return Results.Json(Registration(call, properties));
            }));

        cluster.MapDelete("/registration", (string region, string cloudId, HttpContext context) =>
            Handle(lab, context, region, cloudId, new[] { "ClusterReadWrite" }, (call, _) =>
            {
                var properties = call.Properties;
                properties["status"] = "Disconnected";
                properties["connectivityStatus"] = "Disconnected";
                return Results.NoContent();
            }));
    }

    /// <summary>Authenticates the node, finds the cluster and checks the app and its roles, under the state lock.</summary>
    private static IResult Handle(LabContext lab, HttpContext context, string region, string cloudId, string[] requiredRoles, Func<HciCall, DateTimeOffset, IResult> action)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return HciError.Unauthorized("The request has no bearer token. Get one for the Azure Stack HCI service scope with the cluster application's certificate.");
        }

        var state = lab.State;
        lock (state.Sync)
        {
            var (principal, error, _) = lab.Tokens.Validate(header["Bearer ".Length..].Trim(), lab.HciAudiences, state.Now);
            if (principal is null)
            {
                return HciError.Unauthorized(error!);
            }

            context.Items[RequestJournal.PrincipalItem] = principal.AppId;
            var resource = state.Resources.Values
                .FirstOrDefault(r => string.Equals(r.Body["type"]?.GetValue<string>(), "Microsoft.AzureStackHCI/clusters", StringComparison.OrdinalIgnoreCase)
                    && string.Equals(r.Body["properties"]?["cloudId"]?.GetValue<string>(), cloudId, StringComparison.OrdinalIgnoreCase));
            var cluster = resource?.Body;
            if (resource is null || cluster is null)
            {
                return HciError.Result(404, "ClusterNotFound", $"No cluster with cloud id '{cloudId}' exists. Create the Microsoft.AzureStackHCI/clusters resource first.");
            }

            var location = (cluster["location"]?.GetValue<string>() ?? "").Replace(" ", "", StringComparison.Ordinal);
            if (!string.Equals(location, region, StringComparison.OrdinalIgnoreCase))
            {
                return HciError.Result(404, "ClusterNotInRegion", $"The cluster with cloud id '{cloudId}' is in region '{location}', not '{region}'. Use the cluster's serviceEndpoint.");
            }

            var properties = cluster["properties"]!.AsObject();
            var clusterApp = properties["aadClientId"]?.GetValue<string>();
            if (!principal.IsApp || !string.Equals(principal.AppId, clusterApp, StringComparison.OrdinalIgnoreCase))
            {
                return HciError.Result(403, "WrongApplication", $"The token was issued to '{principal.AppId}', but the cluster is registered with the application '{clusterApp}'. Nodes sign in as the cluster's application.");
            }

            var missing = requiredRoles.Where(r => !principal.Roles.Contains(r, StringComparer.Ordinal)).ToList();
            if (missing.Count > 0)
            {
                return HciError.Result(403, "MissingAdminConsent",
                    $"The application '{principal.AppId}' lacks the Azure Stack HCI service permission(s) {string.Join(", ", missing)}. An administrator must grant admin consent for the application's requested permissions (app role assignments on the service principal of '{LabIds.HciServiceAppId}').");
            }

            return action(new HciCall(resource, cluster, properties, principal.AppId, principal.Roles), state.Now);
        }
    }

    private static void MarkConnected(JsonObject properties, DateTimeOffset now)
    {
        properties["status"] = "ConnectedRecently";
        properties["connectivityStatus"] = "Connected";
        properties["lastSyncTimestamp"] = Iso(now);
    }

    private static JsonObject Registration(HciCall call, JsonObject properties) => new()
    {
        ["cloudId"] = properties["cloudId"]?.DeepClone(),
        ["resourceId"] = call.Cluster["id"]?.DeepClone(),
        ["status"] = properties["status"]?.DeepClone(),
        ["registrationTimestamp"] = properties["registrationTimestamp"]?.DeepClone(),
        ["lastSyncTimestamp"] = properties["lastSyncTimestamp"]?.DeepClone(),
        // What Azure wants of the cluster (Set-AzStackHCI): the node applies it and reports it in its next census.
        ["desiredProperties"] = properties["desiredProperties"]?.DeepClone(),
    };

    internal static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture);

    private sealed record HciCall(LabResource Resource, JsonObject Cluster, JsonObject Properties, string AppId, IReadOnlyList<string> Roles);
}
