using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using Xunit;

namespace Az.StackHCI.Lab.Tests;

/// <summary>One ARM answer as a test sees it.</summary>
internal sealed record ArmReply(int Status, JsonNode? Body, Response Raw)
{
    public string? ErrorCode => Body?["error"]?["code"]?.GetValue<string>();

    public string? ErrorMessage => Body?["error"]?["message"]?.GetValue<string>();

    public string? Header(string name) => Raw.Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// The real clients pointed at the lab's ARM: ArmClient with pinned api-versions (as the module pins them), and the
/// raw Azure.Core pipeline the module uses for POST actions and role assignments.
/// </summary>
internal sealed class ArmTestClient(LabFixture lab)
{
    public const string ClusterApi = "2022-12-01";
    public const string ArcSettingApi = "2023-03-01";
    public const string MachineApi = "2022-03-10";
    public const string AuthorizationApi = "2022-04-01";

    public string Subscription => "/subscriptions/" + lab.SubscriptionId;

    public string ResourceGroupId(string group) => $"{Subscription}/resourceGroups/{group}";

    public string ClusterId(string group, string name) => $"{ResourceGroupId(group)}/providers/Microsoft.AzureStackHCI/clusters/{name}";

    public string MachineId(string group, string name) => $"{ResourceGroupId(group)}/providers/Microsoft.HybridCompute/machines/{name}";

    public ArmClientOptions Options()
    {
        var options = new ArmClientOptions { Environment = new ArmEnvironment(lab.Arm, "https://management.core.windows.net/") };
        options.Retry.Delay = TimeSpan.FromMilliseconds(50);
        options.SetApiVersion(new ResourceType("Microsoft.AzureStackHCI/clusters"), ClusterApi);
        options.SetApiVersion(new ResourceType("Microsoft.AzureStackHCI/clusters/arcSettings"), ArcSettingApi);
        options.SetApiVersion(new ResourceType("Microsoft.HybridCompute/machines"), MachineApi);
        return options;
    }

    public ArmClient Client(TokenCredential credential) => new(credential, lab.SubscriptionId, Options());

    /// <summary>A signed-in user: device code, auto-approved as that user, token fetched now and cached.</summary>
    public async Task<TokenCredential> UserAsync(string user)
    {
        await lab.PutControlAsync("devicecode/autoapprove", new { user, delayMs = 0 });
        var credential = lab.UserCredential();
        await credential.GetTokenAsync(new TokenRequestContext(new[] { lab.ArmScope }), default);
        return credential;
    }

    /// <summary>Sends through Azure.Core's pipeline (bearer policy, retries) and reads the JSON answer.</summary>
    public async Task<ArmReply> SendAsync(TokenCredential credential, string method, string pathAndQuery, object? body = null)
    {
        var pipeline = HttpPipelineBuilder.Build(Options(), new BearerTokenAuthenticationPolicy(credential, lab.ArmScope));
        // Not disposed: the reply keeps the response, whose content Azure.Core has already buffered.
        var message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Parse(method);
        message.Request.Uri.Reset(pathAndQuery.StartsWith("https://", StringComparison.Ordinal) ? new Uri(pathAndQuery) : new Uri(lab.Arm, pathAndQuery.TrimStart('/')));
        if (body is not null)
        {
            message.Request.Headers.Add("Content-Type", "application/json");
            message.Request.Content = RequestContent.Create(BinaryData.FromString(body as string ?? JsonSerializer.Serialize(body)));
        }

        await pipeline.SendAsync(message, default);
        var response = message.Response;
        var text = response.Content.ToString();
        return new ArmReply(response.Status, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    public Task<ArmReply> PutResourceGroupAsync(TokenCredential credential, string group, string location = "eastus") =>
        SendAsync(credential, "PUT", $"{ResourceGroupId(group)}?api-version=2022-09-01", new { location });

    public Task<ArmReply> RegisterAsync(TokenCredential credential, string ns) =>
        SendAsync(credential, "POST", $"{Subscription}/providers/{ns}/register?api-version=2022-09-01");

    public Task<ArmReply> PutClusterAsync(TokenCredential credential, string group, string name, string location = "eastus") =>
        SendAsync(credential, "PUT", $"{ClusterId(group, name)}?api-version={ClusterApi}",
            new { location, properties = new { }, identity = new { type = "SystemAssigned" } });

    public Task<ArmReply> PutMachineAsync(TokenCredential credential, string group, string name, string parentClusterId, string status = "Connected") =>
        SendAsync(credential, "PUT", $"{MachineId(group, name)}?api-version={MachineApi}",
            new { location = "eastus", identity = new { type = "SystemAssigned" }, properties = new { parentClusterResourceId = parentClusterId, status } });

    /// <summary>Registers the namespaces and creates a resource group as the CI principal (Owner).</summary>
    public async Task PrepareAsync(TokenCredential ci, string group, params string[] namespaces)
    {
        foreach (var ns in namespaces)
        {
            Assert.Equal(200, (await RegisterAsync(ci, ns)).Status);
        }

        Assert.Equal(201, (await PutResourceGroupAsync(ci, group)).Status);
    }
}
