using System.Text.Json.Nodes;
using Az.StackHCI.Lab.Hosting;

namespace Az.StackHCI.Lab.Graph;

/// <summary>Microsoft Graph v1.0 over the shared directory. Applications, service principals and app role
/// assignments arrive with the lab's part 2 (step 3); until then every path answers Graph's 404.</summary>
internal static class GraphEndpoints
{
    public static void Map(WebApplication app, LabContext lab) =>
        app.MapFallback((HttpContext context) => Results.Json(new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = "Request_ResourceNotFound",
                ["message"] = $"Resource '{context.Request.Path}' does not exist or one of its queried reference-property objects are not present.",
            },
        }, statusCode: 404));
}
