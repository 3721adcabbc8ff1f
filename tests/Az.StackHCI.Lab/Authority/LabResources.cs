using Az.StackHCI.Lab.Hosting;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Authority;

/// <summary>A resource a token can be asked for: its audience and the service principal whose app roles apply.</summary>
internal sealed record TokenResource(string Audience, string? ServicePrincipalId, string DelegatedScopes);

/// <summary>Turns a requested scope ("https://management.core.windows.net//.default") into a known resource.</summary>
internal static class LabResources
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase) { "openid", "profile", "offline_access" };

    /// <summary>The one resource of a scope list (reserved OIDC scopes aside); null with the offending text.</summary>
    public static (TokenResource? Resource, string Requested) Resolve(LabContext lab, string? scope)
    {
        var scopes = (scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(s => !Reserved.Contains(s)).ToList();
        if (scopes.Count != 1)
        {
            return (null, string.Join(' ', scopes));
        }

        var requested = scopes[0];
        var slash = requested.LastIndexOf('/');
        var resource = slash > 0 ? requested[..slash] : requested;
        if (resource.EndsWith('/'))
        {
            // The double-slash form "https://management.core.windows.net//.default" names the resource with its slash.
            resource = resource.TrimEnd('/') + "/";
        }

        bool In(IEnumerable<string> audiences) => audiences.Any(a => Tokens.TokenService.SameResource(a, resource));
        if (In(lab.ArmAudiences))
        {
            return (new TokenResource(resource, null, "user_impersonation"), requested);
        }

        if (In(lab.GraphAudiences))
        {
            return (new TokenResource(resource, LabIds.MicrosoftGraphSpId, "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All Directory.AccessAsUser.All User.Read"), requested);
        }

        if (In(lab.HciAudiences))
        {
            return (new TokenResource(resource, LabIds.HciServiceSpId, "user_impersonation"), requested);
        }

        return (null, requested);
    }
}
