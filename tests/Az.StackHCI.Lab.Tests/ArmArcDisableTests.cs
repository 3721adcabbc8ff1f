using System.Text.Json.Nodes;
using Xunit;

namespace Az.StackHCI.Lab.Tests;

/// <summary>
/// arcSettings' initializeDisableProcess as the long-running operation it is (2024-04-01: 200/202,
/// azure-async-operation): always 202 with Azure-AsyncOperation and Location, InProgress for the lab's arcDisableMs,
/// DisableInProgress meanwhile; at its end the provider's own (managedBy Azure) extensions are gone and the user's
/// are left to the caller. Durations are set long or zero so no assertion depends on the machine's speed.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class ArmArcDisableTests(LabFixture lab) : IAsyncLifetime
{
    private const string Api = "2024-04-01";
    private const string ExtensionApi = "2021-09-01";
    private readonly ArmTestClient _arm = new(lab);

    public async Task InitializeAsync()
    {
        await lab.ResetAsync();
        var ci = lab.CiCredential();
        await _arm.PrepareAsync(ci, "rg", "Microsoft.AzureStackHCI");
        Assert.Equal(200, (await _arm.SendAsync(ci, "PUT", $"{_arm.ClusterId("rg", "c1")}?api-version={Api}", new { location = "eastus", properties = new { } })).Status);
        Assert.Equal(200, (await _arm.SendAsync(ci, "PUT", $"{ArcSetting}?api-version={Api}", new { properties = new { arcInstanceResourceGroup = "rg" } })).Status);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private string ArcSetting => _arm.ClusterId("rg", "c1") + "/arcSettings/default";

    private Task<ArmReply> SendAsync(string method, string path, object? body = null) => _arm.SendAsync(lab.CiCredential(), method, path, body);

    private async Task<string[]> ExtensionsAsync() =>
        (await SendAsync("GET", $"{ArcSetting}/extensions?api-version={ExtensionApi}")).Body!["value"]!.AsArray()
            .Select(e => $"{e!["name"]}:{e["properties"]!["managedBy"]}").OrderBy(e => e, StringComparer.Ordinal).ToArray();

    private async Task<string> AggregateStateAsync() =>
        (await SendAsync("GET", $"{ArcSetting}?api-version={Api}")).Body!["properties"]!["aggregateState"]!.GetValue<string>();

    /// <summary>The default extension by consent, and one of the user's.</summary>
    private async Task InstallExtensionsAsync()
    {
        Assert.Equal(200, (await SendAsync("POST", $"{ArcSetting}/consentAndInstallDefaultExtensions?api-version={Api}")).Status);
        var user = await SendAsync("PUT", $"{ArcSetting}/extensions/MicrosoftMonitoringAgent?api-version={ExtensionApi}", new
        {
            properties = new { extensionParameters = new { publisher = "Microsoft.Compute", type = "MicrosoftMonitoringAgent", typeHandlerVersion = "1.10", settings = new { workspaceId = "xx" }, protectedSettings = new { workspaceKey = "secret" } } },
        });
        Assert.Equal(201, user.Status);
        Assert.Null(user.Body!["properties"]!["extensionParameters"]!["protectedSettings"]);
        Assert.Equal(new[] { "AzureEdgeTelemetryAndDiagnostics:Azure", "MicrosoftMonitoringAgent:User" }, await ExtensionsAsync());
    }

    [Fact]
    public async Task The_default_duration_is_1500_ms()
    {
        var settings = (await lab.StateAsync())["settings"]!;

        Assert.Equal(1500, settings["arcDisableMs"]!.GetValue<int>());
    }

    [Fact]
    public async Task InitializeDisableProcess_always_answers_202_and_runs_InProgress_with_the_arc_setting_DisableInProgress()
    {
        await InstallExtensionsAsync();
        await lab.PutControlAsync("hci-provider", new { arcDisableMs = 600_000 });

        var accepted = await SendAsync("POST", $"{ArcSetting}/initializeDisableProcess?api-version={Api}");

        Assert.Equal(202, accepted.Status);
        Assert.Null(accepted.Body);
        var statusUrl = accepted.Header("Azure-AsyncOperation")!;
        Assert.StartsWith(lab.Arm + $"subscriptions/{lab.SubscriptionId}/providers/Microsoft.AzureStackHCI/locations/eastus/operationStatuses/", statusUrl);
        Assert.Contains($"api-version={Api}", statusUrl);
        Assert.StartsWith(lab.Arm + $"subscriptions/{lab.SubscriptionId}/providers/Microsoft.AzureStackHCI/locations/eastus/operationResults/", accepted.Header("Location"));
        var status = await SendAsync("GET", statusUrl);
        Assert.Equal(200, status.Status);
        Assert.Equal("InProgress", status.Body!["status"]!.GetValue<string>());
        Assert.Null(status.Body!["endTime"]);
        Assert.Equal(202, (await SendAsync("GET", accepted.Header("Location")!)).Status);
        Assert.Equal("DisableInProgress", await AggregateStateAsync());
        Assert.Equal(new[] { "AzureEdgeTelemetryAndDiagnostics:Azure", "MicrosoftMonitoringAgent:User" }, await ExtensionsAsync());
        Assert.Equal("Succeeded", (await SendAsync("GET", $"{ArcSetting}?api-version={Api}")).Body!["properties"]!["provisioningState"]!.GetValue<string>());
    }

    [Fact]
    public async Task At_its_end_the_provider_removed_its_own_extensions_and_the_status_is_Succeeded()
    {
        await InstallExtensionsAsync();
        await lab.PutControlAsync("hci-provider", new { arcDisableMs = 0 });

        var accepted = await SendAsync("POST", $"{ArcSetting}/initializeDisableProcess?api-version=2023-03-01");

        Assert.Equal(202, accepted.Status);
        var status = await SendAsync("GET", accepted.Header("Azure-AsyncOperation")!);
        Assert.Equal("Succeeded", status.Body!["status"]!.GetValue<string>());
        Assert.Equal(100, status.Body!["percentComplete"]!.GetValue<double>());
        Assert.NotNull(status.Body!["endTime"]);
        var result = await SendAsync("GET", accepted.Header("Location")!);
        Assert.Equal(200, result.Status);
        Assert.Null(result.Body);
        Assert.Equal(new[] { "MicrosoftMonitoringAgent:User" }, await ExtensionsAsync());
        Assert.Equal("DisableInProgress", await AggregateStateAsync());

        // The caller deletes what is left, then the arc setting (and with it the disable state).
        Assert.Equal(200, (await SendAsync("DELETE", $"{ArcSetting}/extensions/MicrosoftMonitoringAgent?api-version={ExtensionApi}")).Status);
        Assert.Equal(204, (await SendAsync("DELETE", $"{ArcSetting}/extensions/MicrosoftMonitoringAgent?api-version={ExtensionApi}")).Status);
        Assert.Empty(await ExtensionsAsync());
        Assert.Equal(200, (await SendAsync("DELETE", $"{ArcSetting}?api-version={Api}")).Status);
        Assert.Equal(200, (await SendAsync("PUT", $"{ArcSetting}?api-version={Api}", new { properties = new { } })).Status);
        Assert.Equal("NotSpecified", await AggregateStateAsync());
    }

    [Fact]
    public async Task Extensions_are_read_one_by_one_and_a_missing_one_is_ResourceNotFound()
    {
        await InstallExtensionsAsync();

        var telemetry = await SendAsync("GET", $"{ArcSetting}/extensions/AzureEdgeTelemetryAndDiagnostics?api-version={ExtensionApi}");
        var updated = await SendAsync("PUT", $"{ArcSetting}/extensions/MicrosoftMonitoringAgent?api-version={ExtensionApi}",
            new { properties = new { extensionParameters = new { typeHandlerVersion = "1.11" } } });
        var missing = await SendAsync("GET", $"{ArcSetting}/extensions/Nothing?api-version={ExtensionApi}");

        Assert.Equal(200, telemetry.Status);
        Assert.Equal($"{ArcSetting}/extensions/AzureEdgeTelemetryAndDiagnostics", telemetry.Body!["id"]!.GetValue<string>());
        Assert.Equal("Microsoft.AzureStackHCI/clusters/arcSettings/extensions", telemetry.Body!["type"]!.GetValue<string>());
        var properties = telemetry.Body!["properties"]!;
        Assert.Equal("Succeeded", properties["provisioningState"]!.GetValue<string>());
        Assert.Equal("Azure", properties["managedBy"]!.GetValue<string>());
        Assert.Equal("Microsoft.AzureStackHCI", properties["extensionParameters"]!["publisher"]!.GetValue<string>());
        Assert.Equal("[]", properties["perNodeExtensionDetails"]!.ToJsonString());
        Assert.Equal(200, updated.Status);
        Assert.Equal("1.11", updated.Body!["properties"]!["extensionParameters"]!["typeHandlerVersion"]!.GetValue<string>());
        Assert.Equal("MicrosoftMonitoringAgent", updated.Body!["properties"]!["extensionParameters"]!["type"]!.GetValue<string>());
        Assert.Equal((404, "ResourceNotFound"), (missing.Status, missing.ErrorCode));
        var state = await lab.StateAsync();
        Assert.DoesNotContain("workspaceKey", state.ToJsonString());
    }

    [Fact]
    public async Task InitializeDisableProcess_on_a_missing_arc_setting_is_ResourceNotFound_without_an_operation()
    {
        Assert.Equal(200, (await SendAsync("DELETE", $"{ArcSetting}?api-version={Api}")).Status);

        var reply = await SendAsync("POST", $"{ArcSetting}/initializeDisableProcess?api-version={Api}");

        Assert.Equal((404, "ResourceNotFound"), (reply.Status, reply.ErrorCode));
        Assert.Null(reply.Header("Azure-AsyncOperation"));
    }
}
