using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Identity;
using Xunit;

namespace Az.StackHCI.Lab.Tests;

/// <summary>The real Azure.Identity credentials against the lab's Entra ID.</summary>
[Collection(LabCollection.Name)]
public sealed class AuthorityTests(LabFixture lab) : IAsyncLifetime
{
    public Task InitializeAsync() => lab.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private TokenRequestContext Arm => new(new[] { lab.ArmScope });

    [Fact]
    public async Task Device_code_auto_approved_as_admin_by_default()
    {
        string? message = null;
        var credential = lab.UserCredential((info, _) => { message = info.Message; return Task.CompletedTask; });

        var token = await credential.GetTokenAsync(Arm, default);

        var claims = TokenClaims.Read(token.Token);
        Assert.Equal(lab.UserName("admin"), claims["upn"]!.GetValue<string>());
        Assert.Equal(lab.UserObjectId("admin"), claims["oid"]!.GetValue<string>());
        Assert.Equal(lab.TenantId, claims["tid"]!.GetValue<string>());
        Assert.Equal("https://management.core.windows.net/", claims["aud"]!.GetValue<string>());
        Assert.Equal("user_impersonation", claims["scp"]!.GetValue<string>());
        Assert.Contains(lab.Authority + "devicelogin", message);
    }

    [Fact]
    public async Task Device_code_approved_explicitly_through_the_control_api()
    {
        await lab.PutControlAsync("devicecode/autoapprove", new { user = (string?)null, delayMs = 0 });
        var credential = lab.UserCredential(async (info, _) =>
            await lab.PostControlAsync("devicecode/approve", new { userCode = info.UserCode, user = "operator" }));

        var token = await credential.GetTokenAsync(Arm, default);

        Assert.Equal(lab.UserName("operator"), TokenClaims.Read(token.Token)["upn"]!.GetValue<string>());
    }

    [Fact]
    public async Task Device_code_approved_on_the_verification_page()
    {
        await lab.PutControlAsync("devicecode/autoapprove", new { user = (string?)null, delayMs = 0 });
        using var browser = new HttpClient();
        var credential = lab.UserCredential(async (info, _) =>
        {
            var page = await browser.GetStringAsync(info.VerificationUri);
            Assert.Contains("<form", page);
            var response = await browser.PostAsync(info.VerificationUri, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["user_code"] = info.UserCode, ["user"] = lab.UserName("reader"), ["action"] = "approve",
            }));
            Assert.Contains("Signed in as", await response.Content.ReadAsStringAsync());
        });

        var token = await credential.GetTokenAsync(Arm, default);

        Assert.Equal(lab.UserName("reader"), TokenClaims.Read(token.Token)["upn"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_declined_device_code_sign_in_fails()
    {
        await lab.PutControlAsync("devicecode/autoapprove", new { user = (string?)null, delayMs = 0 });
        using var browser = new HttpClient();
        var credential = lab.UserCredential(async (info, _) =>
            await browser.PostAsync(info.VerificationUri, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["user_code"] = info.UserCode, ["user"] = lab.UserName("admin"), ["action"] = "decline",
            })));

        var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(() => credential.GetTokenAsync(Arm, default).AsTask());

        Assert.Contains("authorization_declined", ex.ToString());
    }

    [Fact]
    public async Task A_second_resource_is_obtained_with_the_refresh_token()
    {
        var credential = lab.UserCredential();
        await credential.GetTokenAsync(Arm, default);

        var graph = await credential.GetTokenAsync(new TokenRequestContext(new[] { lab.Graph + ".default" }), default);

        Assert.Equal(lab.Graph.AbsoluteUri.TrimEnd('/'), TokenClaims.Read(graph.Token)["aud"]!.GetValue<string>());
        var tokenCalls = lab.Journal().Where(e => e["path"]!.GetValue<string>().EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal)).ToList();
        Assert.Equal("refresh_token", tokenCalls.Last()["body"]!["grant_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Client_secret_gets_an_application_token_with_its_graph_roles()
    {
        var token = await lab.CiCredential().GetTokenAsync(new TokenRequestContext(new[] { lab.Graph + ".default" }), default);

        var claims = TokenClaims.Read(token.Token);
        Assert.Equal("app", claims["idtyp"]!.GetValue<string>());
        Assert.Equal(lab.CiAppId, claims["appid"]!.GetValue<string>());
        Assert.Equal(lab.Json["servicePrincipals"]!["ci"]!["objectId"]!.GetValue<string>(), claims["oid"]!.GetValue<string>());
        var roles = claims["roles"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        Assert.Contains("Application.ReadWrite.All", roles);
        Assert.Contains("AppRoleAssignment.ReadWrite.All", roles);
    }

    [Fact]
    public async Task A_wrong_secret_fails_with_AADSTS7000215_and_is_not_journaled()
    {
        var credential = new ClientSecretCredential(lab.TenantId, lab.CiAppId, "not-the-secret", lab.Configure(new ClientSecretCredentialOptions()));

        var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(() => credential.GetTokenAsync(Arm, default).AsTask());

        Assert.Contains("AADSTS7000215", ex.ToString());
        var journal = File.ReadAllText(lab.JournalPath);
        Assert.DoesNotContain("not-the-secret", journal);
        await lab.CiCredential().GetTokenAsync(Arm, default);
        Assert.DoesNotContain(lab.CiSecret, File.ReadAllText(lab.JournalPath));
    }

    [Fact]
    public async Task Client_certificate_signs_a_PS256_assertion_that_is_accepted()
    {
        var credential = new ClientCertificateCredential(lab.TenantId, lab.CiCertificateAppId, lab.CiCertificatePath, lab.Configure(new ClientCertificateCredentialOptions()));

        var token = await credential.GetTokenAsync(Arm, default);

        Assert.Equal(lab.CiCertificateAppId, TokenClaims.Read(token.Token)["appid"]!.GetValue<string>());
    }

    [Fact]
    public async Task Client_assertion_signed_RS256_with_x5t_is_accepted()
    {
        using var certificate = X509Certificate2.CreateFromPemFile(lab.CiCertificatePath);
        var credential = new ClientAssertionCredential(lab.TenantId, lab.CiCertificateAppId,
            () => Assertion(certificate, lab.CiCertificateAppId, DateTimeOffset.UtcNow), lab.Configure(new ClientAssertionCredentialOptions()));

        var token = await credential.GetTokenAsync(Arm, default);

        Assert.Equal(lab.CiCertificateAppId, TokenClaims.Read(token.Token)["appid"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_certificate_the_application_does_not_know_fails_with_AADSTS700027()
    {
        using var foreign = SelfSigned("CN=Not registered", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var credential = new ClientCertificateCredential(lab.TenantId, lab.CiCertificateAppId, foreign, lab.Configure(new ClientCertificateCredentialOptions()));

        var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(() => credential.GetTokenAsync(Arm, default).AsTask());

        Assert.Contains("AADSTS700027", ex.ToString());
        Assert.Contains("not registered on application", ex.ToString());
    }

    [Fact]
    public async Task A_key_credential_that_is_not_valid_yet_fails_with_AADSTS700027_key_expired()
    {
        // What a node with a fast clock produces: the credential starts "now" on the node, in the future for Entra ID.
        using var certificate = SelfSigned("CN=Node with a fast clock", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var app = await lab.PostControlAsync("applications", new
        {
            displayName = "skewed",
            keyCredentials = new[] { new { key = Convert.ToBase64String(certificate.RawData), startDateTime = DateTimeOffset.UtcNow.AddHours(2), endDateTime = DateTimeOffset.UtcNow.AddDays(30) } },
        });
        var credential = new ClientCertificateCredential(lab.TenantId, app["appId"]!.GetValue<string>(), certificate, lab.Configure(new ClientCertificateCredentialOptions()));

        var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(() => credential.GetTokenAsync(Arm, default).AsTask());

        Assert.Contains("AADSTS700027", ex.ToString());
        Assert.Contains("The key used is expired", ex.ToString());
    }

    [Fact]
    public async Task An_assertion_from_a_skewed_clock_fails_with_AADSTS700024()
    {
        using var certificate = X509Certificate2.CreateFromPemFile(lab.CiCertificatePath);
        var credential = new ClientAssertionCredential(lab.TenantId, lab.CiCertificateAppId,
            () => Assertion(certificate, lab.CiCertificateAppId, DateTimeOffset.UtcNow.AddHours(-3)), lab.Configure(new ClientAssertionCredentialOptions()));

        var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(() => credential.GetTokenAsync(Arm, default).AsTask());

        Assert.Contains("AADSTS700024", ex.ToString());
    }

    [Fact]
    public async Task An_unknown_application_fails_with_AADSTS700016()
    {
        var credential = new ClientSecretCredential(lab.TenantId, Guid.NewGuid().ToString(), "x", lab.Configure(new ClientSecretCredentialOptions()));

        var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(() => credential.GetTokenAsync(Arm, default).AsTask());

        Assert.Contains("AADSTS700016", ex.ToString());
    }

    [Fact]
    public async Task An_application_still_replicating_is_not_found_yet()
    {
        await lab.PutControlAsync("replication", new { delayMs = 60000 });
        var app = await lab.PostControlAsync("applications", new { passwordCredentials = new[] { new { secretText = "fresh-secret" } } });
        var credential = new ClientSecretCredential(lab.TenantId, app["appId"]!.GetValue<string>(), "fresh-secret", lab.Configure(new ClientSecretCredentialOptions()));

        var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(() => credential.GetTokenAsync(Arm, default).AsTask());

        Assert.Contains("AADSTS700016", ex.ToString());
    }

    [Fact]
    public async Task An_unknown_tenant_fails_with_AADSTS90002()
    {
        var credential = new ClientSecretCredential("contoso.example", lab.CiAppId, lab.CiSecret, lab.Configure(new ClientSecretCredentialOptions()));

        var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(() => credential.GetTokenAsync(Arm, default).AsTask());

        Assert.Contains("AADSTS90002", ex.ToString());
    }

    [Fact]
    public async Task Publishes_OpenID_configuration()
    {
        using var http = new HttpClient();
        var document = JsonNode.Parse(await http.GetStringAsync(new Uri(lab.Authority, $"{lab.TenantId}/v2.0/.well-known/openid-configuration")))!;

        Assert.Equal($"{lab.Authority}{lab.TenantId}/oauth2/v2.0/token", document["token_endpoint"]!.GetValue<string>());
        Assert.Equal($"{lab.Authority}{lab.TenantId}/oauth2/v2.0/devicecode", document["device_authorization_endpoint"]!.GetValue<string>());
    }

    /// <summary>An RS256 assertion with an x5t header, as older MSAL and other libraries send.</summary>
    private string Assertion(X509Certificate2 certificate, string clientId, DateTimeOffset now)
    {
        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["x5t"] = Base64Url.Encode(certificate.GetCertHash()) };
        var payload = new JsonObject
        {
            ["aud"] = $"{lab.Authority}{lab.TenantId}/oauth2/v2.0/token", ["iss"] = clientId, ["sub"] = clientId,
            ["jti"] = Guid.NewGuid().ToString(), ["nbf"] = now.ToUnixTimeSeconds(), ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
        };
        var input = Base64Url.Encode(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url.Encode(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        using var key = certificate.GetRSAPrivateKey()!;
        return input + "." + Base64Url.Encode(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    private static X509Certificate2 SelfSigned(string subject, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var created = request.CreateSelfSigned(notBefore, notAfter);
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
