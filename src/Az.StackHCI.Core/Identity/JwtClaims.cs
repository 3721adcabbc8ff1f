using System;
using System.Text;
using System.Text.Json;

namespace Az.StackHCI.Core.Identity
{
    /// <summary>The few claims of an access token the module reads (never validates: the services do that).</summary>
    internal sealed class JwtClaims
    {
        public string? TenantId { get; private set; }
        public string? UserName { get; private set; }
        public string? AppId { get; private set; }
        public string? ObjectId { get; private set; }
        public string? Audience { get; private set; }
        public DateTimeOffset? Expires { get; private set; }

        public static JwtClaims Read(string jwt)
        {
            var parts = jwt.Split('.');
            if (parts.Length < 2)
            {
                return new JwtClaims();
            }

            try
            {
                var payload = parts[1].Replace('-', '+').Replace('_', '/');
                payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
                using var document = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
                var root = document.RootElement;
                string? Claim(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                return new JwtClaims
                {
                    TenantId = Claim("tid"),
                    UserName = Claim("upn") ?? Claim("unique_name") ?? Claim("preferred_username"),
                    AppId = Claim("appid") ?? Claim("azp"),
                    ObjectId = Claim("oid"),
                    Audience = Claim("aud"),
                    Expires = root.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null,
                };
            }
            catch (Exception ex) when (ex is FormatException || ex is JsonException)
            {
                return new JwtClaims();
            }
        }
    }
}
