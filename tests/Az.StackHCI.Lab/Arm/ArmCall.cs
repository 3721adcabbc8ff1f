using System.Text.Json;
using System.Text.Json.Nodes;
using Az.StackHCI.Lab.Hosting;
using Az.StackHCI.Lab.State;
using Az.StackHCI.Lab.Tokens;

namespace Az.StackHCI.Lab.Arm;

/// <summary>One authenticated ARM request as the handlers see it. Handlers run under <see cref="LabState.Sync"/>.</summary>
internal sealed class ArmCall(LabContext lab, TokenPrincipal principal, HttpRequest request, string? rawBody)
{
    private JsonObject? _body;

    public LabContext Lab { get; } = lab;

    public LabState State => Lab.State;

    public TokenPrincipal Principal { get; } = principal;

    public string Method { get; } = request.Method.ToUpperInvariant();

    /// <summary>The request path without a trailing slash, as the client spelled it.</summary>
    public string Path { get; } = "/" + (request.Path.Value ?? "").Trim('/');

    public string[] Segments { get; } = (request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);

    public IQueryCollection Query { get; } = request.Query;

    public string? ApiVersion { get; } = request.Query["api-version"].FirstOrDefault();

    /// <summary>The request's time, fixed once so one change carries one timestamp.</summary>
    public DateTimeOffset Now { get; } = lab.State.Now;

    /// <summary>The RBAC action the request needs, once routed (null for reads any subscription member may make).</summary>
    public string? Action { get; set; }

    /// <summary>How ARM names the caller: a user's UPN, an application's client id.</summary>
    public string ClientName => Principal.UserName ?? Principal.AppId;

    public string ClientType => Principal.IsApp ? "Application" : "User";

    public bool HasBody => !string.IsNullOrWhiteSpace(rawBody);

    /// <summary>The JSON object body; a missing or malformed one is ARM's InvalidRequestContent.</summary>
    public JsonObject Body()
    {
        if (_body is not null)
        {
            return _body;
        }

        if (!HasBody)
        {
            throw ArmErrors.InvalidRequestContent("The request content is empty");
        }

        try
        {
            return _body = JsonNode.Parse(rawBody!) as JsonObject ?? throw ArmErrors.InvalidRequestContent("The request content is not a JSON object");
        }
        catch (JsonException ex)
        {
            throw ArmErrors.InvalidRequestContent(ex.Message);
        }
    }

    /// <summary>The body, or an empty object when there is none (POST actions, PUTs like PutArcSetting's "{}").</summary>
    public JsonObject BodyOrEmpty() => HasBody ? Body() : new JsonObject();

    public string Url(string path) => new Uri(Lab.Arm, path.TrimStart('/')).AbsoluteUri;
}
