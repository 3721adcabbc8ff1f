using System.Text.Json.Nodes;
using Az.StackHCI.Core.Cloud;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Workflows;
using Az.StackHCI.Core.Workflows.Registration;
using Az.StackHCI.Core.Workflows.Unregistration;
using Xunit;

namespace Az.StackHCI.Tests;

/// <summary>
/// Unregistration's cloud side against a fake Resource Manager (no lab, no nodes: -CloudOnly): the survey reads what
/// there is, then the resource goes, and the resource group goes only when this module created it and it is empty.
/// </summary>
public sealed class UnregistrationStepsTests
{
    private const string Subscription = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    private static readonly RegistrationTarget Target = new(Subscription, "hci-rg", "hci");

    [Fact]
    public async Task The_group_this_module_created_goes_once_it_is_empty()
    {
        var arm = Cloud(createdByUs: true);

        await Unregister(arm);

        Assert.Equal(new[] { $"delete {Target.ResourceId}", "delete group hci-rg" }, arm.Writes);
    }

    [Fact]
    public async Task The_group_stays_while_it_holds_other_resources()
    {
        var arm = Cloud(createdByUs: true);
        arm.Resources[$"/subscriptions/{Subscription}/resourceGroups/hci-rg/providers/Microsoft.Compute/disks/data"] = new JsonObject();

        await Unregister(arm);

        Assert.Equal(new[] { $"delete {Target.ResourceId}" }, arm.Writes);
    }

    [Fact]
    public async Task A_group_this_module_did_not_create_is_never_deleted()
    {
        var arm = Cloud(createdByUs: false);

        await Unregister(arm);

        Assert.Equal(new[] { $"delete {Target.ResourceId}" }, arm.Writes);
        Assert.True(arm.Groups.ContainsKey("hci-rg"));
    }

    /// <summary>A service-managed cluster without Arc in its resource group.</summary>
    private static FakeArm Cloud(bool createdByUs)
    {
        var arm = new FakeArm();
        var tags = createdByUs ? new Dictionary<string, string> { [ResourceIds.CreatedByTag] = ResourceIds.CreatedByValue } : new Dictionary<string, string>();
        arm.Groups["hci-rg"] = new ResourceGroupInfo($"/subscriptions/{Subscription}/resourceGroups/hci-rg", "hci-rg", "eastus", tags);
        arm.Resources[Target.ResourceId] = new JsonObject
        {
            ["id"] = Target.ResourceId,
            ["location"] = "eastus",
            ["properties"] = new JsonObject { ["aadClientId"] = "a1b2c3d4-0000-4000-8000-000000000001" },
        };
        return arm;
    }

    private static async Task Unregister(FakeArm arm)
    {
        var reporter = SilentReporter.Instance;
        var (_, session) = UnitSession.Create(reporter);
        var request = new UnregistrationRequest { SubscriptionId = Subscription, ResourceName = "hci", CloudOnly = true, EnvironmentName = BuiltInEnvironments.AzureCloud };
        var context = new UnregistrationContext(request, session, null, Target, reporter, new StepProgress<UnregistrationStep>(reporter, 1, "Unregistering"), arm, FakeDirectory.Empty());
        var survey = await UnregistrationSurvey.ReadAsync(context, new NodeRegistration { RegistrationStatus = "NotYet" }, CancellationToken.None);

        await new UnregistrationSteps(context, survey).RemoveRegistrationAsync(CancellationToken.None);
    }
}
