using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Workflows;
using Az.StackHCI.Core.Workflows.Status;
using Xunit;

namespace Az.StackHCI.Tests;

/// <summary>The 30-day rule as Get-AzStackHCI reports it, and clock offsets.</summary>
public sealed class ClusterStatusTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static NodeRegistration Synced(double daysAgo) => new()
    {
        RegistrationStatus = "Registered",
        AzureResourceUri = "/subscriptions/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/resourceGroups/rg/providers/Microsoft.AzureStackHCI/clusters/hci1",
        LastConnected = Now.AddDays(-daysAgo),
    };

    [Theory]
    [InlineData(0.1, 29, "Registered")]
    [InlineData(10, 20, "Registered")]
    [InlineData(29.5, 0, "Registered")]
    [InlineData(31, 0, "OutOfPolicy")]
    public void Days_until_out_of_policy_count_down_from_the_last_sync(double daysAgo, int daysLeft, string status)
    {
        var described = ClusterStatusWorkflow.Describe("node1", "hci1", Synced(daysAgo), null, Now);

        Assert.Equal(daysLeft, described.DaysUntilOutOfPolicy);
        Assert.Equal(status, described.RegistrationStatus);
        Assert.Equal(("rg", "hci1"), (described.ResourceGroupName, described.ResourceName));
    }

    [Fact]
    public void An_unregistered_cluster_has_no_days_and_no_resource()
    {
        var described = ClusterStatusWorkflow.Describe("node1", "hci1", new NodeRegistration { RegistrationStatus = "NotYet" }, null, Now);

        Assert.Null(described.DaysUntilOutOfPolicy);
        Assert.Null(described.SubscriptionId);
    }

    [Theory]
    [InlineData(-0.2, "+00:00:00")]
    [InlineData(-3, "-00:00:03")]
    [InlineData(600.4, "+00:10:00")]
    public void Clock_offsets_read_to_the_second(double seconds, string text) =>
        Assert.Equal(text, NodeClock.Describe(TimeSpan.FromSeconds(seconds)));
}
