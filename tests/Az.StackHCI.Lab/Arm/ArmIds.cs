using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Arm;

/// <summary>Canonical ARM ids and names (ARM spells "resourceGroups"; clients may not).</summary>
internal static class ArmIds
{
    public static string Subscription(LabState state) => "/subscriptions/" + state.Subscription.SubscriptionId;

    public static string ResourceGroup(LabState state, string resourceGroup) => $"{Subscription(state)}/resourceGroups/{resourceGroup}";

    public static string Resource(LabState state, string resourceGroup, string ns, string type, string name) =>
        $"{ResourceGroup(state, resourceGroup)}/providers/{ns}/{type}/{name}";

    /// <summary>"East US" and "eastus" are the same region to ARM.</summary>
    public static string NormalizeLocation(string location) => location.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>The resource group segment of an id, or null.</summary>
    public static string? ResourceGroupOf(string id)
    {
        var parts = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 3 && string.Equals(parts[2], "resourceGroups", StringComparison.OrdinalIgnoreCase) ? parts[3] : null;
    }

    public static bool SameId(string? a, string? b) =>
        a is not null && b is not null && string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
