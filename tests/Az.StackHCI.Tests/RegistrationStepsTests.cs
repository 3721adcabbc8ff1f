using System.Text.Json.Nodes;
using Az.StackHCI.Core.Cloud;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Workflows;
using Az.StackHCI.Core.Workflows.Registration;
using Xunit;

namespace Az.StackHCI.Tests;

/// <summary>
/// The registration's and Arc's cloud steps against a fake Resource Manager (no lab): each change is asked for, made
/// only when allowed and only where the plan found something missing, and nothing reaches the nodes before the
/// cluster has its identity.
/// </summary>
public sealed class RegistrationStepsTests
{
    private const string Subscription = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    private static readonly RegistrationTarget Target = new(Subscription, "hci-rg", "hci");

    [Fact]
    public async Task Under_WhatIf_every_change_is_announced_in_order_and_none_is_made()
    {
        var (arm, nodes, reporter) = (new FakeArm(), Nodes(), new RecordingReporter { AllowChanges = false });

        var result = await Run(arm, nodes, reporter, new RegistrationPlan { Region = "eastus", RegisterProvider = true, CreateResourceGroup = true, Flow = IdentityFlow.ServiceManaged });

        Assert.True(result.ChangesSkipped);
        Assert.Empty(arm.Writes);
        var expected = new[]
        {
            "Register the resource provider", "Create the resource group", "Create the Azure Stack HCI resource",
            "Ask the Azure Stack HCI resource provider to create the cluster's identity", "Create a registration certificate", "Register the cluster",
        };
        Assert.True(expected.Length == reporter.Asked.Count, "Asked:\n" + string.Join("\n", reporter.Asked));
        Assert.All(expected.Zip(reporter.Asked), pair => Assert.StartsWith(pair.First, pair.Second, StringComparison.Ordinal));
        Assert.DoesNotContain(nodes.Calls, c => c.Command.Contains("Registration", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_provider_that_creates_no_identity_stops_the_registration_before_the_nodes()
    {
        var (arm, nodes) = (new FakeArm { ProviderIdentity = null }, Nodes());

        var ex = await Assert.ThrowsAsync<HciException>(() => Run(arm, nodes, new RecordingReporter(),
            new RegistrationPlan { Region = "eastus", RegisterProvider = true, CreateResourceGroup = true, Flow = IdentityFlow.ServiceManaged }));

        Assert.Equal("ClusterIdentityMissing", ex.ErrorId);
        Assert.Equal(new[] { "register Microsoft.AzureStackHCI", "create group hci-rg", $"put {Target.ResourceId}", $"createClusterIdentity {Target.ResourceId}" }, arm.Writes);
        Assert.Equal("Registered", arm.Providers["Microsoft.AzureStackHCI"]);
        Assert.Equal("eastus", arm.Groups["hci-rg"].Location);
        Assert.DoesNotContain(nodes.Calls, c => c.Command.Contains("Registration", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rerun_changes_only_what_is_missing()
    {
        var arm = new FakeArm { ProviderIdentity = null };
        arm.Providers["Microsoft.AzureStackHCI"] = "Registered";
        var existing = new JsonObject { ["id"] = Target.ResourceId, ["location"] = "eastus", ["properties"] = new JsonObject() };
        arm.Resources[Target.ResourceId] = existing;

        var ex = await Assert.ThrowsAsync<HciException>(() => Run(arm, Nodes(), new RecordingReporter(),
            new RegistrationPlan { Region = "eastus", Flow = IdentityFlow.ServiceManaged, ExistingCluster = existing.DeepClone().AsObject() }));

        Assert.Equal("ClusterIdentityMissing", ex.ErrorId);
        Assert.Equal(new[] { $"createClusterIdentity {Target.ResourceId}" }, arm.Writes);
    }

    [Fact]
    public async Task Under_WhatIf_every_Arc_change_is_announced_and_none_is_made()
    {
        var (arm, nodes, reporter) = (new FakeArm(), Nodes(), new RecordingReporter { AllowChanges = false });
        var registered = new RegistrationResult { Result = RegistrationStatus.Success, AzureResourceId = Target.ResourceId };

        var result = await Run(nodes, reporter, (context, progress) =>
            new ArcSteps(context, new ArcPlan { ResourceGroup = "hci-rg" }, progress, "eastus", IdentityFlow.ServiceManaged).RunAsync(registered, CancellationToken.None), arm);

        Assert.True(result.ChangesSkipped);
        Assert.Empty(arm.Writes);
        var expected = new[]
        {
            "Register the resource provider Microsoft.HybridCompute", "Register the resource provider Microsoft.GuestConfiguration",
            "Register the resource provider Microsoft.HybridConnectivity", "Create arcSettings with the Arc resource group hci-rg",
            "Ask the Azure Stack HCI resource provider to create the Arc onboarding identity",
            "Assign Azure Connected Machine Onboarding and Resource Administrator", "Assign Azure Connected Machine Resource Manager",
            "Consent to and install Azure Arc's default extensions", "Enable Azure Arc integration on every node",
        };
        Assert.True(expected.Length == reporter.Asked.Count, "Asked:\n" + string.Join("\n", reporter.Asked));
        Assert.All(expected.Zip(reporter.Asked), pair => Assert.StartsWith(pair.First, pair.Second, StringComparison.Ordinal));
        Assert.DoesNotContain(nodes.Calls, c => c.Command.Contains("ArcIntegration", StringComparison.Ordinal));
    }

    private static FakeNodes Nodes() => FakeNodes.Cluster("hci", "lab.local", ("node1", "Up"), ("node2", "Up"));

    private static Task<RegistrationResult> Run(IArmResources arm, FakeNodes nodes, IOperationReporter reporter, RegistrationPlan plan) =>
        Run(nodes, reporter, (context, progress) => new RegistrationSteps(context, plan, progress).RunAsync(CancellationToken.None), arm);

    private static async Task<RegistrationResult> Run(FakeNodes nodes, IOperationReporter reporter,
        Func<RegistrationContext, StepProgress<RegistrationStep>, Task<RegistrationResult>> steps, IArmResources arm)
    {
        var (environment, session) = UnitSession.Create(reporter);
        using var cluster = await ClusterConnection.OpenAsync(nodes, "node1", 16, reporter, CancellationToken.None);
        var request = new RegistrationRequest { SubscriptionId = Subscription, ComputerName = "node1", EnvironmentName = BuiltInEnvironments.AzureCloud };
        var context = new RegistrationContext(request, environment, session, cluster, Target, reporter, arm, FakeDirectory.Unused());
        return await steps(context, new StepProgress<RegistrationStep>(reporter, 1, "Registering"));
    }
}
