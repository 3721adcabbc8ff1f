using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Arm;

/// <summary>Which api-versions a resource type accepts: the provider registry's list, plus the long history of
/// ARM's own types that older clients (Az PowerShell, the 1.x module) still send.</summary>
internal static class ApiVersions
{
    private static readonly string[] ResourcesHistory =
    {
        "2024-11-01", "2024-07-01", "2024-03-01", "2023-07-01", "2022-12-01", "2022-09-01", "2022-01-01", "2021-04-01", "2021-01-01",
        "2020-10-01", "2020-08-01", "2020-06-01", "2020-01-01", "2019-11-01", "2019-10-01", "2019-08-01", "2019-07-01", "2019-06-01",
        "2019-05-10", "2019-05-01", "2019-03-01", "2018-05-01", "2018-02-01", "2017-05-10", "2016-09-01", "2016-07-01", "2016-06-01",
        "2016-02-01", "2015-11-01", "2015-01-01", "2014-04-01",
    };

    private static readonly string[] AuthorizationHistory =
    {
        "2022-05-01-preview", "2022-04-01", "2022-01-01-preview", "2020-10-01-preview", "2020-08-01-preview", "2020-04-01-preview",
        "2018-09-01-preview", "2018-07-01", "2018-01-01-preview", "2017-05-01", "2015-07-01",
    };

    /// <summary>The versions of "Namespace/type" (child types spelled "clusters/arcSettings").</summary>
    public static IReadOnlyList<string> Of(LabState state, string apiType)
    {
        var slash = apiType.IndexOf('/');
        var ns = apiType[..slash];
        var type = apiType[(slash + 1)..];
        var listed = state.Providers.TryGetValue(ns, out var provider)
            ? provider.ResourceTypes.FirstOrDefault(t => string.Equals(t.ResourceType, type, StringComparison.OrdinalIgnoreCase))?.ApiVersions ?? new List<string>()
            : new List<string>();
        var history = ns.ToUpperInvariant() switch
        {
            "MICROSOFT.RESOURCES" => ResourcesHistory,
            "MICROSOFT.AUTHORIZATION" => AuthorizationHistory,
            _ => Array.Empty<string>(),
        };
        return listed.Concat(history).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    public static void Check(ArmCall call, ArmRoute route)
    {
        if (route.AnyApiVersion)
        {
            return;
        }

        var supported = Of(call.State, route.ApiType);
        if (!supported.Contains(call.ApiVersion!, StringComparer.OrdinalIgnoreCase))
        {
            throw ArmErrors.InvalidApiVersion(call.ApiVersion!, route.ApiType, supported);
        }
    }
}
