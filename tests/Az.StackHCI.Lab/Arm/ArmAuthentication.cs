using Az.StackHCI.Lab.Hosting;
using Az.StackHCI.Lab.Tokens;

namespace Az.StackHCI.Lab.Arm;

/// <summary>Every ARM call needs a lab token for an ARM audience; otherwise 401 with ARM's Bearer challenge.</summary>
internal static class ArmAuthentication
{
    public static TokenPrincipal Authenticate(LabContext lab, HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            throw Unauthorized(lab, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.",
                "The authentication failed because of missing 'Authorization' header.");
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            throw Unauthorized(lab, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format.",
                "The 'Authorization' header is provided in an invalid format.");
        }

        var (principal, error, code) = lab.Tokens.Validate(header["Bearer ".Length..].Trim(), lab.ArmAudiences, lab.State.Now);
        if (principal is null)
        {
            throw Unauthorized(lab, code!, error!, error!);
        }

        if (!string.Equals(principal.TenantId, lab.State.TenantId, StringComparison.OrdinalIgnoreCase))
        {
            var message = $"The access token is from the wrong issuer '{TokenService.Issuer(principal.TenantId)}'. It must match the tenant '{TokenService.Issuer(lab.State.TenantId)}' associated with this subscription. Please use the authority (URL) '{lab.Authority}{lab.State.TenantId}' to get the token.";
            throw Unauthorized(lab, "InvalidAuthenticationTokenTenant", message, message);
        }

        return principal;
    }

    private static ArmException Unauthorized(LabContext lab, string code, string message, string description)
    {
        var exception = new ArmException(401, code, message);
        exception.Headers["WWW-Authenticate"] =
            $"Bearer authorization_uri=\"{lab.Authority}{lab.State.TenantId}\", error=\"invalid_token\", error_description=\"{description.Replace("\"", "'", StringComparison.Ordinal)}\"";
        return exception;
    }
}
