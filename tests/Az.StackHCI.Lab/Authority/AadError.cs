using System.Text.Json.Nodes;

namespace Az.StackHCI.Lab.Authority;

/// <summary>Entra ID's error JSON (wire protocols §3.7): what MSAL parses into MsalServiceException.</summary>
internal static class AadError
{
    public static IResult Result(int status, string error, int code, string description)
    {
        var trace = Guid.NewGuid().ToString();
        var correlation = Guid.NewGuid().ToString();
        var timestamp = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        return Results.Json(new JsonObject
        {
            ["error"] = error,
            ["error_description"] = $"AADSTS{code}: {description}\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation}\r\nTimestamp: {timestamp}",
            ["error_codes"] = new JsonArray(code),
            ["timestamp"] = timestamp,
            ["trace_id"] = trace,
            ["correlation_id"] = correlation,
            ["error_uri"] = $"https://login.microsoftonline.com/error?code={code}",
        }, statusCode: status);
    }

    public static IResult InvalidRequest(int code, string description) => Result(400, "invalid_request", code, description);

    public static IResult InvalidClient(int code, string description) => Result(401, "invalid_client", code, description);

    public static IResult UnauthorizedClient(string clientId, string tenant) => Result(400, "unauthorized_client", 700016,
        $"Application with identifier '{clientId}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.");

    public static IResult InvalidGrant(int code, string description) => Result(400, "invalid_grant", code, description);
}
