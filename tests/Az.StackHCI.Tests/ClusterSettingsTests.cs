using System.Text.Json.Nodes;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Workflows.Settings;
using Xunit;

namespace Az.StackHCI.Tests;

/// <summary>What Set-AzStackHCI writes, when it counts a setting as applied, and what it refuses before contacting anything.</summary>
public sealed class ClusterSettingsTests
{
    private const string ResourceId = "/subscriptions/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/resourceGroups/rg/providers/Microsoft.AzureStackHCI/clusters/hci1";

    private static JsonObject Cluster(string desiredWss, string desiredLevel, string? reportedLevel, params string[] nodeWss) => new()
    {
        ["properties"] = new JsonObject
        {
            ["desiredProperties"] = new JsonObject { ["windowsServerSubscription"] = desiredWss, ["diagnosticLevel"] = desiredLevel },
            ["reportedProperties"] = new JsonObject
            {
                ["diagnosticLevel"] = reportedLevel,
                ["nodes"] = new JsonArray(nodeWss.Select(w => (JsonNode)new JsonObject { ["name"] = "n", ["windowsServerSubscription"] = w }).ToArray()),
            },
        },
    };

    private static IReadOnlyDictionary<string, string> Requested(bool? wss, string? level) =>
        ClusterSettings.Requested(new SettingsRequest { EnableWSSubscription = wss, DiagnosticLevel = level });

    [Fact]
    public void Only_the_settings_that_differ_are_patched_in_the_api_spelling()
    {
        var changes = ClusterSettings.Changes(Cluster("Disabled", "Basic", "Basic"), Requested(false, "enhanced"));

        var change = Assert.Single(changes);
        Assert.Equal("diagnosticLevel: Basic -> Enhanced", change.ToString());
        Assert.Equal("""{"properties":{"desiredProperties":{"diagnosticLevel":"Enhanced"}}}""", ClusterSettings.Patch(changes).ToJsonString());
    }

    [Fact]
    public void A_cluster_without_desired_properties_differs_in_every_requested_setting() =>
        Assert.Equal(2, ClusterSettings.Changes(new JsonObject { ["properties"] = new JsonObject() }, Requested(true, "Basic")).Count);

    [Fact]
    public void The_subscription_counts_as_applied_only_when_every_reported_node_has_it()
    {
        var requested = Requested(true, null);

        Assert.Empty(ClusterSettings.NotReported(Cluster("Enabled", "Basic", "Basic", "Enabled", "Enabled"), requested));
        Assert.Equal(new[] { "windowsServerSubscription" }, ClusterSettings.NotReported(Cluster("Enabled", "Basic", "Basic", "Enabled", "Disabled"), requested));
        Assert.Equal(new[] { "windowsServerSubscription" }, ClusterSettings.NotReported(Cluster("Enabled", "Basic", "Basic"), requested));
    }

    [Fact]
    public void The_diagnostic_level_counts_as_applied_when_the_cluster_reports_it() =>
        Assert.Equal(new[] { "diagnosticLevel" }, ClusterSettings.NotReported(Cluster("Disabled", "Off", null), Requested(null, "Off")));

    [Theory]
    [InlineData(null, null, null, "NoSettingGiven")]
    [InlineData(null, "Verbose", null, "InvalidDiagnosticLevel")]
    [InlineData(true, null, "/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.AzureStackHCI/clusters/hci1", "InvalidResourceId")]
    [InlineData(true, null, "/subscriptions/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1", "InvalidResourceId")]
    [InlineData(true, null, ResourceId + "/arcSettings/default", "InvalidResourceId")]
    public void Bad_input_is_refused_before_anything_is_contacted(bool? wss, string? level, string? resourceId, string errorId)
    {
        var request = new SettingsRequest { EnableWSSubscription = wss, DiagnosticLevel = level, ResourceId = resourceId };

        Assert.Equal(errorId, Assert.Throws<HciException>(() => SettingsWorkflow.Check(request)).ErrorId);
    }

    [Fact]
    public void A_cluster_resource_id_is_accepted() =>
        Assert.Single(SettingsWorkflow.Check(new SettingsRequest { ResourceId = ResourceId, DiagnosticLevel = "Off" }));
}
