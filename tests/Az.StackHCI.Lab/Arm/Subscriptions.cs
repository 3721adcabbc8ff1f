using System.Text.Json.Nodes;

namespace Az.StackHCI.Lab.Arm;

/// <summary>GET /subscriptions and /subscriptions/{id} (2022-12-01 shape, wire protocols §2.3).</summary>
internal static class Subscriptions
{
    public static ArmResult Get(ArmCall call) => ArmResult.Ok(Render(call));

    /// <summary>Like Azure, a caller sees the subscriptions of its token's tenant it holds any role assignment in.</summary>
    public static ArmResult List(ArmCall call) =>
        ArmResult.List(string.Equals(call.Principal.TenantId, call.State.Subscription.TenantId, StringComparison.OrdinalIgnoreCase)
            && Rbac.HasAnyAccess(call.State, call.Principal.ObjectId, ArmIds.Subscription(call.State))
            ? new JsonNode[] { Render(call) }
            : Array.Empty<JsonNode>());

    private static JsonObject Render(ArmCall call)
    {
        var subscription = call.State.Subscription;
        return new JsonObject
        {
            ["id"] = ArmIds.Subscription(call.State),
            ["subscriptionId"] = subscription.SubscriptionId,
            ["tenantId"] = subscription.TenantId,
            ["displayName"] = subscription.DisplayName,
            ["state"] = subscription.State,
            ["subscriptionPolicies"] = new JsonObject
            {
                ["locationPlacementId"] = "Public_2014-09-01", ["quotaId"] = "PayAsYouGo_2014-09-01", ["spendingLimit"] = "Off",
            },
            ["authorizationSource"] = "RoleBased",
            ["managedByTenants"] = new JsonArray(),
            ["tags"] = new JsonObject(),
        };
    }
}
