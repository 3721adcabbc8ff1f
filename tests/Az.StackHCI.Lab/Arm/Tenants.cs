using System.Text.Json.Nodes;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Arm;

/// <summary>
/// GET /tenants (Microsoft.Resources, 2022-12-01 shape): the tenants the caller belongs to, whichever of them its
/// token is from. A member of the lab tenant sees it; the B2B guest its home tenant and the lab tenant; an
/// application the tenant of its token.
/// </summary>
internal static class Tenants
{
    public const string Path = "tenants";

    public static ArmResult List(ArmCall call)
    {
        var state = call.State;
        var principal = call.Principal;
        var user = principal.IsApp ? null : state.Users.Values.FirstOrDefault(u =>
            string.Equals(state.ObjectIdIn(u, principal.TenantId), principal.ObjectId, StringComparison.OrdinalIgnoreCase));
        var tenants = user is null
            ? new[] { principal.TenantId }
            : new[] { state.HomeTenantOf(user), state.TenantId }.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        return ArmResult.List(tenants.Select(Render).OfType<JsonNode>());
    }

    private static JsonObject? Render(string tenantId)
    {
        var (name, domain) = tenantId.ToLowerInvariant() switch
        {
            LabIds.TenantId => (LabIds.TenantDisplayName, LabIds.TenantDomain),
            LabIds.GuestHomeTenantId => (LabIds.GuestHomeTenantDisplayName, LabIds.GuestHomeTenantDomain),
            _ => (null, null),
        };
        return name is null ? null : new JsonObject
        {
            ["id"] = "/tenants/" + tenantId,
            ["tenantId"] = tenantId,
            ["countryCode"] = "US",
            ["displayName"] = name,
            ["domains"] = new JsonArray(domain),
            ["tenantCategory"] = "Home",
            ["defaultDomain"] = domain,
            ["tenantType"] = "AAD",
            ["tenantBrandingLogoUrl"] = null,
        };
    }
}
