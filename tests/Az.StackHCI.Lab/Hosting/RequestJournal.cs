using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Az.StackHCI.Lab.Hosting;

/// <summary>
/// One JSON line per request (time, service, method, path, status, principal, ARM's RBAC action, duration, redacted body) that tests
/// read to assert on call counts, order and content. Secrets and tokens never reach the file.
/// </summary>
internal sealed partial class RequestJournal(string path)
{
    /// <summary>Where an endpoint records who called, for the journal line.</summary>
    public const string PrincipalItem = "lab.principal";

    /// <summary>Where ARM records the RBAC action the request needed, for the journal line.</summary>
    public const string ActionItem = "lab.action";

    private static readonly HashSet<string> SecretFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "client_secret", "client_assertion", "refresh_token", "access_token", "id_token", "device_code", "code", "code_verifier", "password",
        "secretText", "secret", "proof", "assertion", "value",
    };

    private readonly object _gate = new();

    public string Path { get; } = path;

    public void Write(string service, HttpContext context, string? body, TimeSpan duration)
    {
        var entry = new JsonObject
        {
            ["time"] = DateTimeOffset.UtcNow.ToString("O"),
            ["service"] = service,
            ["method"] = context.Request.Method,
            ["path"] = context.Request.Path.Value,
            ["query"] = context.Request.QueryString.HasValue ? Redact(context.Request.QueryString.Value!) : null,
            ["status"] = context.Response.StatusCode,
            ["principal"] = context.Items.TryGetValue(PrincipalItem, out var principal) ? principal?.ToString() : null,
            ["action"] = context.Items.TryGetValue(ActionItem, out var action) ? action?.ToString() : null,
            ["durationMs"] = Math.Round(duration.TotalMilliseconds, 1),
            ["body"] = RedactBody(body, context.Request.ContentType),
        };
        var line = entry.ToJsonString();
        lock (_gate)
        {
            File.AppendAllText(Path, line + "\n");
        }
    }

    /// <summary>A request to one of the lab's proxies: "proxy" names which, path is CONNECT's host:port or the absolute URI.</summary>
    public void WriteProxy(string proxy, string method, string target, int status, string? principal, TimeSpan duration)
    {
        var entry = new JsonObject
        {
            ["time"] = DateTimeOffset.UtcNow.ToString("O"),
            ["service"] = "proxy",
            ["proxy"] = proxy,
            ["method"] = method,
            ["path"] = Redact(target),
            ["query"] = null,
            ["status"] = status,
            ["principal"] = principal,
            ["action"] = null,
            ["durationMs"] = Math.Round(duration.TotalMilliseconds, 1),
            ["body"] = null,
        };
        lock (_gate)
        {
            File.AppendAllText(Path, entry.ToJsonString() + "\n");
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            File.WriteAllText(Path, "");
        }
    }

    private static JsonNode? RedactBody(string? body, string? contentType)
    {
        if (string.IsNullOrEmpty(body))
        {
            return null;
        }

        if (contentType?.Contains("x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            var form = new JsonObject();
            foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = pair.Split('=', 2);
                var name = Uri.UnescapeDataString(parts[0].Replace('+', ' '));
                form[name] = SecretFields.Contains(name) ? "***" : Uri.UnescapeDataString((parts.Length > 1 ? parts[1] : "").Replace('+', ' '));
            }

            return form;
        }

        try
        {
            var node = JsonNode.Parse(body);
            RedactJson(node);
            return node;
        }
        catch (JsonException)
        {
            return JwtPattern().Replace(body, "***");
        }
    }

    private static void RedactJson(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (SecretFields.Contains(name) && value is JsonValue)
                    {
                        obj[name] = "***";
                    }
                    else
                    {
                        RedactJson(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    RedactJson(item);
                }

                break;
        }
    }

    private static string Redact(string query) => JwtPattern().Replace(query, "***");

    [GeneratedRegex(@"eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*")]
    private static partial Regex JwtPattern();
}
