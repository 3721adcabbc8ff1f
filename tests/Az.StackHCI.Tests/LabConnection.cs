using System.Text.Json.Nodes;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Tests;

/// <summary>
/// The running lab, for engine tests that talk to it over HTTPS: build/build.ps1 -Task Test starts it and sets
/// AZSTACKHCI_LAB_JSON and SSL_CERT_FILE.
/// </summary>
internal static class LabConnection
{
    private static readonly Lazy<JsonObject> Json = new(() =>
    {
        var path = Environment.GetEnvironmentVariable("AZSTACKHCI_LAB_JSON");
        return path is { Length: > 0 } && File.Exists(path)
            ? JsonNode.Parse(File.ReadAllText(path))!.AsObject()
            : throw new InvalidOperationException("Set AZSTACKHCI_LAB_JSON (and SSL_CERT_FILE) as build/build.ps1 -Task Test does.");
    });

    public static string Text(string name) => Json.Value[name]!.GetValue<string>();

    public static string SubscriptionId => Text("subscriptionId");

    public static string TenantId => Text("tenantId");

    public static async Task ResetAsync()
    {
        using var http = new HttpClient();
        (await http.PostAsync(new Uri(new Uri(Text("controlEndpoint")), "reset"), null)).EnsureSuccessStatusCode();
    }

    /// <summary>PUT to the lab's control API (JSON), e.g. "async-operations".</summary>
    public static async Task PutControlAsync(string path, JsonNode body)
    {
        using var http = new HttpClient();
        using var content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        (await http.PutAsync(new Uri(new Uri(Text("controlEndpoint")), path), content)).EnsureSuccessStatusCode();
    }

    /// <summary>The lab as a custom environment, read the way Add-AzStackHCIEnvironment reads it.</summary>
    public static Task<HciEnvironment> EnvironmentAsync() =>
        new ArmMetadataClient().GetEnvironmentAsync("Lab", new Uri(Text("resourceManagerEndpoint")), SilentReporter.Instance, CancellationToken.None);

    public static async Task<AzureSession> SignInAsCiAsync()
    {
        var request = new SignInRequest
        {
            TenantId = TenantId,
            ClientId = Json.Value["servicePrincipals"]!["ci"]!["appId"]!.GetValue<string>(),
            ClientSecret = Json.Value["servicePrincipals"]!["ci"]!["secret"]!.GetValue<string>(),
        };
        return await AzureSignIn.SignInAsync(await EnvironmentAsync(), request, SilentReporter.Instance, CancellationToken.None);
    }
}
