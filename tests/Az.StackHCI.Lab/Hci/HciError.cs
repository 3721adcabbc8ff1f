using System.Text.Json.Nodes;

namespace Az.StackHCI.Lab.Hci;

internal static class HciError
{
    public static IResult Result(int status, string code, string message) =>
        Results.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }, statusCode: status);

    public static IResult Unauthorized(string message) => Result(401, "InvalidAuthenticationToken", message);
}
