using System.Text.Json;
using Az.StackHCI.Core.Operations;
using Azure;

namespace Az.StackHCI.Core.Cloud
{
    /// <summary>ARM's refusals as HciExceptions: its error code becomes the error id, its message is kept.</summary>
    internal static class ArmErrors
    {
        public static HciException From(RequestFailedException ex, string scope)
        {
            var code = string.IsNullOrEmpty(ex.ErrorCode) ? "ArmRequestFailed" : ex.ErrorCode!;
            var category = code == "MissingSubscriptionRegistration" ? HciErrorCategory.InvalidOperation : ex.Status switch
            {
                401 => HciErrorCategory.AuthenticationError,
                403 => HciErrorCategory.PermissionDenied,
                404 => HciErrorCategory.ObjectNotFound,
                409 => HciErrorCategory.ResourceExists,
                400 => HciErrorCategory.InvalidArgument,
                _ => HciErrorCategory.ConnectionError,
            };
            return new HciException(code, category, scope, $"Azure Resource Manager refused the request for {scope} ({ex.Status} {code}): {Message(ex)}", ex);
        }

        // RequestFailedException.Message repeats headers and content; the service's own sentence is enough.
        private static string Message(RequestFailedException ex)
        {
            var content = ex.GetRawResponse()?.Content?.ToString();
            if (!string.IsNullOrEmpty(content))
            {
                try
                {
                    using var document = JsonDocument.Parse(content!);
                    if (document.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("message", out var message))
                    {
                        return message.GetString() ?? ex.Message;
                    }
                }
                catch (JsonException)
                {
                }
            }

            return ex.Message;
        }
    }
}
