using System.Text.Json.Nodes;
using Az.StackHCI.Lab.Hosting;

namespace Az.StackHCI.Lab.Arm;

/// <summary>
/// GET /metadata/endpoints (no authentication, as in Azure): the lab described as a cloud, so a client learns every
/// endpoint from the ARM URL alone. 2022-09-01 answers a list of clouds; older versions the single object.
/// </summary>
internal static class ArmMetadata
{
    public const string Path = "/metadata/endpoints";

    private static readonly string[] SingleObjectVersions = { "2015-01-01", "2019-05-01", "2020-06-01" };
    private static readonly string[] ListVersions = { "2022-09-01" };

    public static JsonNode Answer(LabContext lab, string? apiVersion)
    {
        if (apiVersion is null)
        {
            throw ArmErrors.MissingApiVersion();
        }

        if (ListVersions.Contains(apiVersion, StringComparer.OrdinalIgnoreCase))
        {
            return new JsonArray(Cloud(lab));
        }

        return SingleObjectVersions.Contains(apiVersion, StringComparer.OrdinalIgnoreCase)
            ? Cloud(lab)
            : throw ArmErrors.InvalidApiVersion(apiVersion, "metadata/endpoints", ListVersions.Concat(SingleObjectVersions));
    }

    private static JsonObject Cloud(LabContext lab) => new()
    {
        ["name"] = LabHost.EnvironmentName,
        ["portal"] = new Uri(lab.Arm, "portal/").AbsoluteUri,
        ["resourceManager"] = lab.Arm.AbsoluteUri,
        ["authentication"] = new JsonObject
        {
            ["loginEndpoint"] = lab.Authority.AbsoluteUri,
            ["audiences"] = new JsonArray(lab.ArmAudiences.Select(a => (JsonNode)a).ToArray()),
            ["tenant"] = "common",
            ["identityProvider"] = "AAD",
        },
        ["graph"] = lab.Graph.AbsoluteUri,
        ["graphAudience"] = lab.Graph.AbsoluteUri,
        ["microsoftGraphResourceId"] = lab.Graph.AbsoluteUri,
        ["dataplaneEndpoints"] = new JsonObject { ["hciDataplaneServiceEndpoint"] = lab.Hci.AbsoluteUri },
        ["suffixes"] = new JsonObject(),
    };
}
