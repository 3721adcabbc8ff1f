using System.Text.Json;
using System.Text.Json.Nodes;
using Az.StackHCI.Lab.Hosting;
using Az.StackHCI.Lab.State;
using Az.StackHCI.Lab.Tokens;

namespace Az.StackHCI.Lab.Graph;

/// <summary>Who calls: a signed-in user (delegated token) or an application (its service principal's app roles).</summary>
internal sealed record GraphCaller(TokenPrincipal Token, LabUser? User)
{
    public bool IsApp => Token.IsApp;

    /// <summary>The user's or the service principal's object id.</summary>
    public string ObjectId => Token.ObjectId;

    /// <summary>For the journal: the user's name or the application's client id.</summary>
    public string Name => User?.UserPrincipalName ?? Token.AppId;

    public bool HasAppRole(params string[] roles) => IsApp && Token.Roles.Any(r => roles.Contains(r, StringComparer.OrdinalIgnoreCase));

    public bool HasDirectoryRole(params string[] roles) =>
        User is not null && User.DirectoryRoles.Any(r => roles.Contains(r, StringComparer.OrdinalIgnoreCase));
}

/// <summary>What a handler returns: a status and, unless 204, a JSON body.</summary>
internal sealed record GraphResult(int Status, JsonObject? Body)
{
    public static GraphResult Ok(JsonObject body) => new(200, body);

    public static GraphResult Created(JsonObject body) => new(201, body);

    public static GraphResult NoContent { get; } = new(204, null);
}

/// <summary>One Graph request after authentication: caller, path segments, OData query and JSON body.</summary>
internal sealed class GraphRequest(HttpContext http, LabContext lab, GraphCaller caller, IReadOnlyList<string> segments, ODataQuery query, JsonObject? body)
{
    public HttpContext Http { get; } = http;

    public LabContext Lab { get; } = lab;

    public LabState State => Lab.State;

    public GraphCaller Caller { get; } = caller;

    public string Method => Http.Request.Method;

    public IReadOnlyList<string> Segments { get; } = segments;

    public ODataQuery Query { get; } = query;

    public JsonObject? Body { get; } = body;

    /// <summary>The service root that @odata.context URLs start with, as graph.microsoft.com/v1.0/ would be.</summary>
    public string ServiceRoot => Lab.Graph.AbsoluteUri + "v1.0/";

    public string Context(string fragment) => ServiceRoot + "$metadata#" + fragment;

    public JsonObject RequireBody() => Body ?? throw GraphException.BadRequest("Empty Payload. JSON content expected.");

    /// <summary>Absolute URL of this request with the query replaced, for @odata.nextLink.</summary>
    public string UrlWithQuery(IEnumerable<KeyValuePair<string, string>> query)
    {
        var request = Http.Request;
        var text = string.Join('&', query.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value)));
        return $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}" + (text.Length > 0 ? "?" + text : "");
    }
}

/// <summary>Reading Graph's JSON input: typed values with Graph's 400 for the wrong type.</summary>
internal static class GraphInput
{
    public static string? String(JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => throw Invalid(name, "Edm.String"),
    };

    public static bool? Bool(JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        _ => throw Invalid(name, "Edm.Boolean"),
    };

    public static DateTimeOffset? Date(JsonObject body, string name)
    {
        var text = String(body, name);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var date)
            ? date.ToUniversalTime()
            : throw GraphException.BadRequest($"Cannot convert the literal '{text}' to the expected type 'Edm.DateTimeOffset'.");
    }

    public static string? Guid(JsonObject body, string name)
    {
        var text = String(body, name);
        return text is null ? null
            : System.Guid.TryParse(text, out var id) ? id.ToString()
            : throw GraphException.BadRequest($"Invalid value specified for property '{name}': '{text}' is not a valid Edm.Guid.");
    }

    public static JsonArray? Array(JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonArray a => a,
        _ => throw Invalid(name, "Collection"),
    };

    public static JsonObject? Object(JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonObject o => o,
        _ => throw Invalid(name, "complex type"),
    };

    public static IEnumerable<JsonObject> Objects(JsonArray array, string name) =>
        array.Select(item => item as JsonObject ?? throw Invalid(name, "complex type"));

    /// <summary>Rejects properties the type does not have, as Graph does; @odata annotations are ignored.</summary>
    public static void RequireKnown(JsonObject body, IReadOnlySet<string> known, string type)
    {
        foreach (var (name, _) in body)
        {
            if (!name.Contains('@') && !known.Contains(name))
            {
                throw GraphException.BadRequest($"Property '{name}' does not exist on type '{type}'. Make sure to only use property names that are defined by the type.");
            }
        }
    }

    public static JsonObject? Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject
                ?? throw GraphException.BadRequest("Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
        }
        catch (JsonException)
        {
            throw GraphException.BadRequest("Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
        }
    }

    private static GraphException Invalid(string name, string type) =>
        GraphException.BadRequest($"Invalid value specified for property '{name}': expected {type}.");
}
