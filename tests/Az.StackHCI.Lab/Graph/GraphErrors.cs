namespace Az.StackHCI.Lab.Graph;

/// <summary>
/// A Graph error the dispatcher turns into OData error JSON (wire protocols §4.1). Codes and messages are Graph's
/// where known; handlers throw these rather than building responses, so every failure has the same shape.
/// </summary>
internal sealed class GraphException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public static GraphException NotFound(string id) => new(404, "Request_ResourceNotFound",
        $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");

    /// <summary>A request body naming an object Graph cannot find (e.g. an app role assignment's principalId).</summary>
    public static GraphException ReferenceNotFound(string id) => new(400, "Request_BadRequest",
        $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");

    public static GraphException Denied() => new(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");

    public static GraphException BadRequest(string message) => new(400, "Request_BadRequest", message);

    public static GraphException UnsupportedQuery(string message) => new(400, "Request_UnsupportedQuery", message);

    public static GraphException Unauthenticated(string message) => new(401, "InvalidAuthenticationToken", message);

    public static GraphException MethodNotAllowed() => new(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");

    /// <summary>Graph's answer to a path segment it does not know.</summary>
    public static GraphException UnknownSegment(string segment) => new(400, "BadRequest", $"Resource not found for the segment '{segment}'.");
}
