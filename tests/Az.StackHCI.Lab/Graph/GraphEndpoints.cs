using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Az.StackHCI.Lab.Hosting;

namespace Az.StackHCI.Lab.Graph;

/// <summary>
/// Microsoft Graph v1.0 over the shared directory (wire protocols §4): applications, service principals and app role
/// assignments, under /v1.0 as real clients address it (and at the root). Every response is JSON with Graph's
/// content type; every failure is an OData error with Graph's code, request-id and client-request-id.
/// </summary>
internal static partial class GraphEndpoints
{
    // Graph's own content type; Kiota needs a JSON media type or it returns null without an error.
    private const string JsonContentType = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

    // Graph writes quotes, ampersands and non-ASCII text as they are, not as \u escapes.
    private static readonly JsonSerializerOptions Output = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The lab's CSDL: only the entity types it serves.</summary>
    private const string MetadataDocument =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\"><edmx:DataServices>" +
        "<Schema Namespace=\"microsoft.graph\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\"><EntityType Name=\"application\"/><EntityType Name=\"servicePrincipal\"/>" +
        "<EntityType Name=\"appRoleAssignment\"/></Schema></edmx:DataServices></edmx:Edmx>";

    public static void Map(WebApplication app, LabContext lab) => app.Run(context => HandleAsync(context, lab));

    private static async Task HandleAsync(HttpContext context, LabContext lab)
    {
        var requestId = Guid.NewGuid().ToString();
        var clientRequestId = context.Request.Headers["client-request-id"].ToString() is { Length: > 0 } given ? given : requestId;
        context.Response.Headers["request-id"] = requestId;
        context.Response.Headers["client-request-id"] = clientRequestId;
        context.Response.Headers["OData-Version"] = "4.0";
        if (HttpMethods.IsGet(context.Request.Method) && (context.Request.Path.Value ?? "").EndsWith("/$metadata", StringComparison.OrdinalIgnoreCase))
        {
            // The service document's schema is public, as on graph.microsoft.com: a reachability probe needs no token.
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync(MetadataDocument);
            return;
        }

        GraphResult result;
        try
        {
            var caller = Authenticate(context, lab);
            context.Items[RequestJournal.PrincipalItem] = caller.Name;
            var segments = Segments(context.Request.Path.Value ?? "");
            var query = ODataQuery.Parse(context.Request.Query, context.Request.Headers);
            context.Request.Body.Position = 0;
            var body = GraphInput.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted));
            var request = new GraphRequest(context, lab, caller, segments, query, body);
            lock (lab.State.Sync)
            {
                result = Route(request);
            }
        }
        catch (GraphException error)
        {
            if (error.Status == 401)
            {
                context.Response.Headers.WWWAuthenticate =
                    $"Bearer realm=\"\", authorization_uri=\"{lab.Authority.AbsoluteUri}common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"";
            }

            result = new GraphResult(error.Status, new JsonObject
            {
                ["error"] = new JsonObject
                {
                    ["code"] = error.Code,
                    ["message"] = error.Message,
                    ["innerError"] = new JsonObject
                    {
                        ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
                        ["request-id"] = requestId,
                        ["client-request-id"] = clientRequestId,
                    },
                },
            });
        }

        context.Response.StatusCode = result.Status;
        if (result.Body is not null)
        {
            context.Response.ContentType = JsonContentType;
            await context.Response.WriteAsync(result.Body.ToJsonString(Output), context.RequestAborted);
        }
    }

    private static GraphCaller Authenticate(HttpContext context, LabContext lab)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            throw GraphException.Unauthenticated("Access token is empty.");
        }

        var state = lab.State;
        lock (state.Sync)
        {
            var (principal, _, code) = lab.Tokens.Validate(header[7..].Trim(), lab.GraphAudiences, state.Now);
            if (principal is null)
            {
                throw GraphException.Unauthenticated(code switch
                {
                    "ExpiredAuthenticationToken" => "Lifetime validation failed, the token is expired.",
                    "InvalidAuthenticationTokenAudience" => "Access token validation failure. Invalid audience.",
                    _ => "Access token validation failure.",
                });
            }

            if (!string.Equals(principal.TenantId, state.TenantId, StringComparison.OrdinalIgnoreCase))
            {
                throw GraphException.Unauthenticated("Access token validation failure. Invalid issuer.");
            }

            var user = principal.IsApp ? null : state.Users.Values.FirstOrDefault(u => string.Equals(u.Id, principal.ObjectId, StringComparison.OrdinalIgnoreCase));
            if (!principal.IsApp && user is null)
            {
                throw GraphException.Unauthenticated("Access token validation failure. The user does not exist in the directory.");
            }

            return new GraphCaller(principal, user);
        }
    }

    /// <summary>Path segments after the optional /v1.0 version segment, unescaped.</summary>
    private static List<string> Segments(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToList();
        if (segments.Count > 0 && string.Equals(segments[0], "v1.0", StringComparison.OrdinalIgnoreCase))
        {
            segments.RemoveAt(0);
        }

        return segments;
    }

    private static GraphResult Route(GraphRequest request)
    {
        var segments = request.Segments;
        if (segments.Count == 0)
        {
            return GraphResult.Ok(ServiceDocument(request));
        }

        // "applications(appId='…')" addresses by alternate key; "applications/{id}" by object id.
        string set, rest0;
        string? id = null, appId = null;
        var skip = 1;
        if (AlternateKey().Match(segments[0]) is { Success: true } keyed)
        {
            set = keyed.Groups["set"].Value;
            rest0 = keyed.Groups["value"].Value.Replace("''", "'", StringComparison.Ordinal);
            if (string.Equals(keyed.Groups["key"].Value, "appId", StringComparison.OrdinalIgnoreCase))
            {
                appId = rest0;
            }
            else if (keyed.Groups["key"].Success && keyed.Groups["key"].Value.Length > 0)
            {
                throw GraphException.BadRequest($"The key property '{keyed.Groups["key"].Value}' is not supported by the lab's Graph; use appId or the object id.");
            }
            else
            {
                id = rest0;
            }
        }
        else
        {
            set = segments[0];
            if (segments.Count > 1)
            {
                id = segments[1];
                skip = 2;
            }
        }

        var rest = segments.Skip(skip).ToList();
        return set.ToLowerInvariant() switch
        {
            "applications" => ApplicationsEndpoints.Handle(request, id, appId, rest),
            "serviceprincipals" => ServicePrincipalsEndpoints.Handle(request, id, appId, rest),
            _ => throw GraphException.UnknownSegment(set),
        };
    }

    private static JsonObject ServiceDocument(GraphRequest request) => new()
    {
        ["@odata.context"] = request.ServiceRoot + "$metadata",
        ["value"] = new JsonArray(
            new JsonObject { ["name"] = "applications", ["kind"] = "EntitySet", ["url"] = "applications" },
            new JsonObject { ["name"] = "servicePrincipals", ["kind"] = "EntitySet", ["url"] = "servicePrincipals" }),
    };

    [GeneratedRegex(@"^(?<set>[A-Za-z]+)\((?:(?<key>[A-Za-z]+)=)?'(?<value>(?:[^']|'')*)'\)$")]
    private static partial Regex AlternateKey();
}
