using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Identity;
using Xunit;

namespace Az.StackHCI.Lab.Tests;

/// <summary>
/// Workload identity federation: the real WorkloadIdentityCredential with a token of the lab's OIDC issuer in a file,
/// as a CI system provides one, exchanged for the ci application's token; and each way Entra ID refuses one.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class WorkloadIdentityTests(LabFixture lab) : IAsyncLifetime
{
    private readonly List<string> _files = new();

    public Task InitializeAsync() => lab.ResetAsync();

    public Task DisposeAsync()
    {
        _files.ForEach(File.Delete);
        return Task.CompletedTask;
    }

    private TokenRequestContext Arm => new(new[] { lab.ArmScope });

    [Fact]
    public async Task The_token_file_from_lab_json_gets_the_ci_applications_token_with_its_roles()
    {
        var credential = Credential(lab.CiFederated["tokenFile"]!.GetValue<string>());

        var token = await credential.GetTokenAsync(Arm, default);

        var claims = TokenClaims.Read(token.Token);
        Assert.Equal(lab.CiAppId, claims["appid"]!.GetValue<string>());
        Assert.Equal("app", claims["idtyp"]!.GetValue<string>());
        Assert.Equal(lab.CiFederated["objectId"]!.GetValue<string>(), claims["oid"]!.GetValue<string>());
        // The ci principal's role assignments apply: it reads the subscription as Owner.
        var subscription = await lab.ArmClient(credential).GetDefaultSubscriptionAsync();
        Assert.Equal(lab.SubscriptionId, subscription.Data.SubscriptionId);
        var graph = TokenClaims.Read((await credential.GetTokenAsync(new TokenRequestContext(new[] { lab.Graph + ".default" }), default)).Token);
        Assert.Contains("Application.ReadWrite.All", graph["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        // One exchange per token MSAL caches (ArmClient's CAE requests use a client of their own), the token never journaled.
        var exchanges = lab.Journal().Where(e => e["body"]?["client_assertion_type"] is not null).ToList();
        Assert.NotEmpty(exchanges);
        Assert.All(exchanges, e => Assert.Equal("***", e["body"]!["client_assertion"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_token_file_lasts_a_ci_run()
    {
        var claims = TokenClaims.Read(await File.ReadAllTextAsync(lab.CiFederated["tokenFile"]!.GetValue<string>()));

        Assert.True(DateTimeOffset.FromUnixTimeSeconds(claims["exp"]!.GetValue<long>()) > DateTimeOffset.UtcNow.AddMinutes(30));
        Assert.Equal(lab.CiFederated["issuer"]!.GetValue<string>(), claims["iss"]!.GetValue<string>());
        Assert.Equal("repo:contoso/hci-fleet:environment:production", claims["sub"]!.GetValue<string>());
        Assert.Equal(lab.CiFederated["subject"]!.GetValue<string>(), claims["sub"]!.GetValue<string>());
        Assert.Equal("api://AzureADTokenExchange", claims["aud"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_token_from_the_control_api_works_like_the_file()
    {
        var token = await Credential(await TokenFileAsync(new { })).GetTokenAsync(Arm, default);

        Assert.Equal(lab.CiAppId, TokenClaims.Read(token.Token)["appid"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("issuer", "https://token.actions.githubusercontent.com", "AADSTS700211: No matching federated identity record found for presented assertion issuer 'https://token.actions.githubusercontent.com'.")]
    [InlineData("subject", "repo:contoso/hci-fleet:ref:refs/heads/main", "AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:contoso/hci-fleet:ref:refs/heads/main'.")]
    [InlineData("subject", "repo:contoso/hci-fleet:environment:Production", "AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:contoso/hci-fleet:environment:Production'.")]
    [InlineData("audience", "api://SomethingElse", "AADSTS700212: No matching federated identity record found for presented assertion audience 'api://SomethingElse'.")]
    public async Task A_token_that_matches_no_federated_credential_is_refused(string field, string value, string expected)
    {
        var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(async () =>
            await Credential(await TokenFileAsync(new Dictionary<string, object> { [field] = value })).GetTokenAsync(Arm, default));

        Assert.Contains(expected, ex.ToString());
    }

    [Fact]
    public async Task An_expired_token_is_refused_with_AADSTS700024()
    {
        var file = await TokenFileAsync(new { lifetimeSeconds = 60, notBeforeOffsetSeconds = -3600 });

        var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(async () => await Credential(file).GetTokenAsync(Arm, default));

        Assert.Contains("AADSTS700024: Client assertion is not within its valid time range.", ex.ToString());
    }

    [Fact]
    public async Task A_token_not_signed_by_the_issuers_key_is_refused()
    {
        var parts = (await lab.FederationTokenAsync()).Split('.');
        // Another payload under the issuer's signature: claims a subject the signature does not cover.
        var forged = TokenClaims.Read(string.Join('.', parts));
        forged["jti"] = Guid.NewGuid().ToString();
        var payload = Base64Url.Encode(System.Text.Encoding.UTF8.GetBytes(forged.ToJsonString()));
        var file = Write(parts[0] + "." + payload + "." + parts[2]);

        var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(async () => await Credential(file).GetTokenAsync(Arm, default));

        Assert.Contains("AADSTS50013: Assertion failed signature validation.", ex.ToString());
    }

    [Fact]
    public async Task The_issuer_publishes_its_openid_configuration_and_keys()
    {
        var issuer = lab.CiFederated["issuer"]!.GetValue<string>();
        using var http = new HttpClient();

        var configuration = (await http.GetFromJsonAsync<JsonObject>(issuer + "/.well-known/openid-configuration"))!;
        var keys = (await http.GetFromJsonAsync<JsonObject>(configuration["jwks_uri"]!.GetValue<string>()))!;

        Assert.Equal(issuer, configuration["issuer"]!.GetValue<string>());
        var header = System.Text.Json.JsonDocument.Parse(Convert.FromBase64String(Pad((await lab.FederationTokenAsync()).Split('.')[0]))).RootElement;
        Assert.Contains(keys["keys"]!.AsArray(), k => k!["kid"]!.GetValue<string>() == header.GetProperty("kid").GetString());
        // Not the authority's key: Entra ID's own tokens are no federated credentials.
        var authorityKeys = (await http.GetFromJsonAsync<JsonObject>($"{lab.Authority}{lab.TenantId}/discovery/v2.0/keys"))!;
        Assert.DoesNotContain(authorityKeys["keys"]!.AsArray(), k => k!["kid"]!.GetValue<string>() == header.GetProperty("kid").GetString());
    }

    [Fact]
    public async Task Graph_lists_the_ci_applications_federated_identity_credential()
    {
        var token = await lab.CiCredential().GetTokenAsync(new TokenRequestContext(new[] { lab.Graph + ".default" }), default);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        var objectId = (await http.GetFromJsonAsync<JsonObject>($"{lab.Graph}v1.0/applications(appId='{lab.CiAppId}')"))!["id"]!.GetValue<string>();

        var list = (await http.GetFromJsonAsync<JsonObject>($"{lab.Graph}v1.0/applications/{objectId}/federatedIdentityCredentials"))!;

        var credential = Assert.Single(list["value"]!.AsArray())!;
        Assert.Equal(lab.CiFederated["issuer"]!.GetValue<string>(), credential["issuer"]!.GetValue<string>());
        Assert.Equal(lab.CiFederated["subject"]!.GetValue<string>(), credential["subject"]!.GetValue<string>());
        Assert.Equal("api://AzureADTokenExchange", Assert.Single(credential["audiences"]!.AsArray())!.GetValue<string>());
        Assert.EndsWith("/federatedIdentityCredentials", list["@odata.context"]!.GetValue<string>());
    }

    private WorkloadIdentityCredential Credential(string tokenFile) =>
        new(lab.Configure(new WorkloadIdentityCredentialOptions { TenantId = lab.TenantId, ClientId = lab.CiAppId, TokenFilePath = tokenFile }));

    private async Task<string> TokenFileAsync(object body) => Write(await lab.FederationTokenAsync(body));

    private string Write(string token)
    {
        var path = Path.Combine(Path.GetTempPath(), $"lab-federated-{Guid.NewGuid():N}.jwt");
        File.WriteAllText(path, token);
        _files.Add(path);
        return path;
    }

    private static string Pad(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
    }
}
