using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Identity;
using Azure.ResourceManager;
using Xunit;

namespace Az.StackHCI.Lab.Tests;

/// <summary>
/// The running lab these tests talk to, from the lab.json named by AZSTACKHCI_LAB_JSON. The process must trust the
/// lab's CA through SSL_CERT_FILE (build/build.ps1 -Task Test sets both); no client here bypasses validation.
/// </summary>
public sealed class LabFixture : IDisposable
{
    public LabFixture()
    {
        var path = Environment.GetEnvironmentVariable("AZSTACKHCI_LAB_JSON");
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new InvalidOperationException(
                "Set AZSTACKHCI_LAB_JSON to the lab.json that tests/lab/Start-Lab.ps1 printed, and SSL_CERT_FILE to its caBundle (build/build.ps1 -Task Test does both).");
        }

        Json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Control = new HttpClient { BaseAddress = Url("controlEndpoint") };
    }

    public JsonObject Json { get; }

    public HttpClient Control { get; }

    public string TenantId => Text("tenantId");

    public string SubscriptionId => Text("subscriptionId");

    public Uri Authority => Url("authorityEndpoint");

    public Uri Arm => Url("resourceManagerEndpoint");

    public Uri Graph => Url("graphEndpoint");

    public Uri Hci => Url("hciServiceEndpoint");

    public string ArmScope => "https://management.core.windows.net//.default";

    public string JournalPath => Text("journal");

    public string UserName(string user) => Json["users"]![user]!["userName"]!.GetValue<string>();

    public string UserObjectId(string user) => Json["users"]![user]!["objectId"]!.GetValue<string>();

    public string CiAppId => Json["servicePrincipals"]!["ci"]!["appId"]!.GetValue<string>();

    public string CiSecret => Json["servicePrincipals"]!["ci"]!["secret"]!.GetValue<string>();

    public string CiCertificateAppId => Json["servicePrincipals"]!["ciCertificate"]!["appId"]!.GetValue<string>();

    public string CiCertificatePath => Json["servicePrincipals"]!["ciCertificate"]!["certificatePath"]!.GetValue<string>();

    /// <summary>servicePrincipals.ciFederated: the ci application by workload identity federation.</summary>
    public JsonNode CiFederated => Json["servicePrincipals"]!["ciFederated"]!;

    /// <summary>A token of the lab's federation issuer from POST /federation/tokens (fields left null: the seed's).</summary>
    public async Task<string> FederationTokenAsync(object? body = null) =>
        (await PostControlAsync("federation/tokens", body ?? new { }))["token"]!.GetValue<string>();

    public async Task ResetAsync() => (await Control.PostAsync("reset", null)).EnsureSuccessStatusCode();

    public async Task<JsonNode> PutControlAsync(string path, object body)
    {
        var response = await Control.PutAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    public async Task<JsonNode> PostControlAsync(string path, object body)
    {
        var response = await Control.PostAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    public async Task<JsonObject> StateAsync() => (await Control.GetFromJsonAsync<JsonObject>("state"))!;

    /// <summary>Journal entries so far, oldest first.</summary>
    public IReadOnlyList<JsonObject> Journal() =>
        File.ReadAllLines(JournalPath).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    /// <summary>Options every lab credential uses: the lab's authority, no public-cloud instance discovery.</summary>
    public T Configure<T>(T options) where T : TokenCredentialOptions
    {
        options.AuthorityHost = Authority;
        options.Retry.MaxRetries = 0;
        switch (options)
        {
            case DeviceCodeCredentialOptions o: o.DisableInstanceDiscovery = true; break;
            case ClientSecretCredentialOptions o: o.DisableInstanceDiscovery = true; break;
            case ClientCertificateCredentialOptions o: o.DisableInstanceDiscovery = true; break;
            case ClientAssertionCredentialOptions o: o.DisableInstanceDiscovery = true; break;
            case InteractiveBrowserCredentialOptions o: o.DisableInstanceDiscovery = true; break;
            case WorkloadIdentityCredentialOptions o: o.DisableInstanceDiscovery = true; break;
        }

        return options;
    }

    public TokenCredential CiCredential() =>
        new ClientSecretCredential(TenantId, CiAppId, CiSecret, Configure(new ClientSecretCredentialOptions()));

    public DeviceCodeCredential UserCredential(Func<DeviceCodeInfo, CancellationToken, Task>? callback = null) =>
        new(Configure(new DeviceCodeCredentialOptions { TenantId = TenantId, DeviceCodeCallback = callback ?? ((_, _) => Task.CompletedTask) }));

    public ArmClient ArmClient(TokenCredential credential)
    {
        var options = new ArmClientOptions { Environment = new ArmEnvironment(Arm, "https://management.core.windows.net/") };
        options.Retry.Delay = TimeSpan.FromMilliseconds(50);
        return new ArmClient(credential, SubscriptionId, options);
    }

    public void Dispose() => Control.Dispose();

    private string Text(string name) => Json[name]!.GetValue<string>();

    private Uri Url(string name) => new(Text(name));
}

[CollectionDefinition(Name)]
public sealed class LabCollection : ICollectionFixture<LabFixture>
{
    public const string Name = "lab";
}
