using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Az.StackHCI.Lab.Hosting;

namespace Az.StackHCI.Lab.Arm;

/// <summary>
/// Every ARM request: authenticate, require an api-version, route, check the api-version for the type, RBAC,
/// provider registration, run the handler under the state lock, and answer JSON (or ARM's error body).
/// </summary>
internal static class ArmPipeline
{
    // ARM writes apostrophes and the like as they are; the default encoder would send \u0027.
    private static readonly JsonSerializerOptions Output = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task HandleAsync(HttpContext context, LabContext lab)
    {
        var request = context.Request;
        ArmResult result;
        ArmCall? call = null;
        try
        {
            if (string.Equals(request.Path.Value?.TrimEnd('/'), ArmMetadata.Path, StringComparison.OrdinalIgnoreCase) && HttpMethods.IsGet(request.Method))
            {
                result = ArmResult.Ok(ArmMetadata.Answer(lab, request.Query["api-version"].FirstOrDefault()));
            }
            else
            {
                request.Body.Position = 0;
                var body = await new StreamReader(request.Body).ReadToEndAsync(context.RequestAborted);
                var principal = ArmAuthentication.Authenticate(lab, request);
                context.Items[RequestJournal.PrincipalItem] = principal.UserName ?? principal.AppId;
                call = new ArmCall(lab, principal, request, body);
                result = Run(call);
            }
        }
        catch (ArmException ex)
        {
            result = new ArmResult(ex.Status, ex.ToBody());
            foreach (var (name, value) in ex.Headers)
            {
                result.Headers[name] = value;
            }

            result.Headers["x-ms-error-code"] = ex.Code;
        }

        if (call?.Action is string action)
        {
            context.Items[RequestJournal.ActionItem] = action;
        }

        await WriteAsync(context, result);
    }

    private static ArmResult Run(ArmCall call)
    {
        if (string.IsNullOrEmpty(call.ApiVersion))
        {
            throw ArmErrors.MissingApiVersion();
        }

        lock (call.State.Sync)
        {
            // GET /tenants is tenant level and its own route (the resource provider's routes are the router's).
            var route = call.Segments is [var only] && ArmRouter.Is(only, Tenants.Path)
                ? ArmRouter.Get(call, ArmRoute.Anyone("Microsoft.Resources/tenants", "/", Tenants.List))
                : ArmRouter.Route(call);
            call.Action = route.Access == ArmAccess.Action ? route.Action : null;
            ApiVersions.Check(call, route);
            Rbac.Authorize(call, route);
            if (route.RequiresRegistration is string ns)
            {
                ArmResources.RequireRegistered(call, ns);
            }

            return Lro.Finish(call, route, route.Handle(call));
        }
    }

    private static async Task WriteAsync(HttpContext context, ArmResult result)
    {
        var response = context.Response;
        response.StatusCode = result.Status;
        var requestId = Guid.NewGuid().ToString();
        response.Headers["x-ms-request-id"] = requestId;
        response.Headers["x-ms-correlation-request-id"] = context.Request.Headers["x-ms-correlation-request-id"].FirstOrDefault() ?? requestId;
        if (context.Request.Headers["x-ms-client-request-id"].FirstOrDefault() is string clientRequestId)
        {
            response.Headers["x-ms-client-request-id"] = clientRequestId;
        }

        foreach (var (name, value) in result.Headers)
        {
            response.Headers[name] = value;
        }

        if (result.Body is JsonNode body)
        {
            response.ContentType = "application/json; charset=utf-8";
            await response.WriteAsync(body.ToJsonString(Output), context.RequestAborted);
        }
        else if (result.Status != 204)
        {
            response.ContentLength = 0;
        }
    }
}
