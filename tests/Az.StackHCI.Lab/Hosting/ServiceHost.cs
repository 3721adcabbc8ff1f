using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Az.StackHCI.Lab.Hosting;

/// <summary>
/// Builds one service of the lab: its own HTTPS port on 127.0.0.1, the fault and journal middleware, then the
/// service's endpoints.
/// </summary>
internal static class ServiceHost
{
    public static WebApplication Build(string service, LabContext lab, LabCertificates certificates, Action<WebApplication> mapEndpoints)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(certificates.Server);
            });
        });
        builder.Services.AddSingleton(lab);
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            var watch = Stopwatch.StartNew();
            context.Request.EnableBuffering();
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
            context.Request.Body.Position = 0;
            try
            {
                if (!await ApplyFaultAsync(service, lab, context))
                {
                    await next(context);
                }
            }
            finally
            {
                lab.Journal.Write(service, context, body, watch.Elapsed);
            }
        });
        mapEndpoints(app);
        return app;
    }

    /// <summary>True when a fault answered (or dropped) the request instead of the service.</summary>
    private static async Task<bool> ApplyFaultAsync(string service, LabContext lab, HttpContext context)
    {
        if (service == ServiceNames.Control || lab.Faults.Match(service, context.Request) is not var (rule, delayMs))
        {
            return false;
        }

        if (delayMs > 0)
        {
            await Task.Delay(delayMs, context.RequestAborted);
        }

        if (rule.Drop)
        {
            context.Abort();
            return true;
        }

        if (rule.Status is not int status)
        {
            return false;
        }

        context.Response.StatusCode = status;
        if (rule.RetryAfterSeconds is int seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await context.Response.WriteAsJsonAsync(FaultBody(service, status));
        return true;
    }

    private static JsonObject FaultBody(string service, int status)
    {
        var code = status switch
        {
            400 => "BadRequest",
            401 => "InvalidAuthenticationToken",
            403 => service == ServiceNames.Graph ? "Authorization_RequestDenied" : "AuthorizationFailed",
            404 => "NotFound",
            409 => "Conflict",
            429 => "TooManyRequests",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            _ => "InternalServerError",
        };
        var message = $"Injected fault: {status} {code}.";
        return service switch
        {
            ServiceNames.Authority => new JsonObject
            {
                ["error"] = status == 429 ? "temporarily_unavailable" : "server_error",
                ["error_description"] = $"AADSTS90033: {message}",
                ["error_codes"] = new JsonArray(90033),
            },
            _ => new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } },
        };
    }
}
