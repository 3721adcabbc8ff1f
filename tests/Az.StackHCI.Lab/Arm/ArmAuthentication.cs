using Az.StackHCI.Lab.Hosting;
using Az.StackHCI.Lab.Tokens;

namespace Az.StackHCI.Lab.Arm;

/// <summary>
/// Every ARM call needs a lab token for an ARM audience; otherwise 401 with ARM's Bearer challenge. A call under
/// /subscriptions/{id} also needs a token of the subscription's tenant, and its challenge names that tenant
/// (authorization_uri = authority + tenant), with or without a token: that is how a client finds a subscription's
/// tenant. Tenant-level calls (/subscriptions, /tenants, /providers) take a token of any tenant; their challenge names
/// none.
/// </summary>
internal static class ArmAuthentication
{
    public static TokenPrincipal Authenticate(LabContext lab, HttpRequest request)
    {
        var subscriptionTenant = SubscriptionTenant(lab, request.Path.Value ?? "");
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            throw Unauthorized(lab, subscriptionTenant, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.",
                "The authentication failed because of missing 'Authorization' header.");
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            throw Unauthorized(lab, subscriptionTenant, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format.",
                "The 'Authorization' header is provided in an invalid format.");
        }

        var (principal, error, code) = lab.Tokens.Validate(header["Bearer ".Length..].Trim(), lab.ArmAudiences, lab.State.Now);
        if (principal is null)
        {
            throw Unauthorized(lab, subscriptionTenant, code!, error!, error!);
        }

        if (subscriptionTenant is not null && !string.Equals(principal.TenantId, subscriptionTenant, StringComparison.OrdinalIgnoreCase))
        {
            var message = $"The access token is from the wrong issuer '{TokenService.Issuer(principal.TenantId)}'. It must match the tenant '{TokenService.Issuer(subscriptionTenant)}' associated with this subscription. Please use the authority (URL) '{lab.Authority}{subscriptionTenant}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.";
            throw Unauthorized(lab, subscriptionTenant, "InvalidAuthenticationTokenTenant", message, message);
        }

        return principal;
    }

    /// <summary>The tenant of the subscription a path names (/subscriptions/{id}/…), or null (tenant level, or unknown).</summary>
    private static string? SubscriptionTenant(LabContext lab, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2 || !ArmRouter.Is(segments[0], "subscriptions"))
        {
            return null;
        }

        lock (lab.State.Sync)
        {
            var subscription = lab.State.Subscription;
            return string.Equals(segments[1], subscription.SubscriptionId, StringComparison.OrdinalIgnoreCase) ? subscription.TenantId : null;
        }
    }

    private static ArmException Unauthorized(LabContext lab, string? tenant, string code, string message, string description)
    {
        var exception = new ArmException(401, code, message);
        exception.Headers["WWW-Authenticate"] =
            $"Bearer authorization_uri=\"{lab.Authority}{tenant}\", error=\"invalid_token\", error_description=\"{description.Replace("\"", "'", StringComparison.Ordinal)}\"";
        return exception;
    }
}
