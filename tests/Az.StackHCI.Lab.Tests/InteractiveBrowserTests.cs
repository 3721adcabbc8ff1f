using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Identity;
using System.Web;
using Xunit;

namespace Az.StackHCI.Lab.Tests;

/// <summary>
/// The authorization code flow with PKCE: the real InteractiveBrowserCredential (MSAL's system browser) with the lab's
/// scripted browser (tests/Az.StackHCI.Lab/Browser/xdg-open) first on PATH, and the wire contract of authorize and
/// the authorization_code grant with a plain HTTP client.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class InteractiveBrowserTests(LabFixture lab) : IAsyncLifetime
{
    private const string AzureCli = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
    private const string Redirect = "http://localhost:40123/";

    public Task InitializeAsync() => lab.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private TokenRequestContext Arm => new(new[] { lab.ArmScope });

    [Fact]
    public async Task InteractiveBrowserCredential_signs_in_the_auto_approve_user()
    {
        await lab.PutControlAsync("devicecode/autoapprove", new { user = "operator", delayMs = 0 });
        using var browser = FakeBrowser.Install();

        var token = await Credential().GetTokenAsync(Arm, Timeout());

        var claims = TokenClaims.Read(token.Token);
        Assert.Equal(lab.UserName("operator"), claims["upn"]!.GetValue<string>());
        Assert.Equal(lab.TenantId, claims["tid"]!.GetValue<string>());
        var journal = lab.Journal();
        var authorize = Assert.Single(journal, e => e["path"]!.GetValue<string>().EndsWith("/oauth2/v2.0/authorize", StringComparison.Ordinal));
        Assert.Equal(200, authorize["status"]!.GetValue<int>()); // the form_post page MSAL asks for
        Assert.Contains("response_mode=form_post", authorize["query"]!.GetValue<string>());
        Assert.Equal(lab.UserName("operator"), authorize["principal"]!.GetValue<string>());
        Assert.Contains("code_challenge_method=S256", authorize["query"]!.GetValue<string>());
        var redeem = Assert.Single(journal, e => e["body"]?["grant_type"]?.GetValue<string>() == "authorization_code");
        Assert.Equal("***", redeem["body"]!["code"]!.GetValue<string>());
        Assert.Equal("***", redeem["body"]!["code_verifier"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_auto_approval_the_browser_signs_in_on_the_form()
    {
        await lab.PutControlAsync("devicecode/autoapprove", new { user = (string?)null, delayMs = 0 });
        using var browser = FakeBrowser.Install(user: lab.UserName("reader"));

        var token = await Credential().GetTokenAsync(Arm, Timeout());

        Assert.Equal(lab.UserName("reader"), TokenClaims.Read(token.Token)["upn"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_code_gives_the_device_code_grants_tokens_and_is_single_use()
    {
        var (verifier, challenge) = Pkce();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var location = await AuthorizeAsync(http, challenge, state: "xyz");
        var query = HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("xyz", query["state"]);
        Assert.StartsWith(Redirect, location.AbsoluteUri, StringComparison.Ordinal);
        var code = query["code"]!;

        var wrong = await RedeemAsync(http, code, "not-the-verifier-" + new string('x', 40));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var error = JsonNode.Parse(await wrong.Content.ReadAsStringAsync())!;
        Assert.Equal("invalid_grant", error["error"]!.GetValue<string>());
        Assert.StartsWith("AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.", error["error_description"]!.GetValue<string>());

        var ok = await RedeemAsync(http, code, verifier);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var tokens = JsonNode.Parse(await ok.Content.ReadAsStringAsync())!;
        foreach (var field in new[] { "access_token", "refresh_token", "id_token", "client_info" })
        {
            Assert.False(string.IsNullOrEmpty(tokens[field]?.GetValue<string>()), field);
        }

        Assert.Equal(lab.UserName("admin"), TokenClaims.Read(tokens["access_token"]!.GetValue<string>())["upn"]!.GetValue<string>());

        var again = await RedeemAsync(http, code, verifier);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("AADSTS54005", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_redirect_uri_other_than_localhost_is_refused_with_AADSTS50011()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var response = await http.GetAsync(AuthorizeUrl(Pkce().Challenge, "s", redirectUri: "https://attacker.example/callback"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("AADSTS50011: The redirect URI 'https://attacker.example/callback' specified in the request does not match the redirect URIs configured for the application '" + AzureCli + "'.", page);
    }

    [Fact]
    public async Task A_plain_challenge_goes_back_to_the_client_as_an_error()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var response = await http.GetAsync(AuthorizeUrl("plain-challenge-plain-challenge-plain-chall", "s1", method: "plain"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var query = HttpUtility.ParseQueryString(response.Headers.Location!.Query);
        Assert.Equal("invalid_request", query["error"]);
        Assert.StartsWith("AADSTS50149", query["error_description"]);
        Assert.Equal("s1", query["state"]);
    }

    private InteractiveBrowserCredential Credential() =>
        new(lab.Configure(new InteractiveBrowserCredentialOptions { TenantId = lab.TenantId }));

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64Url.Encode(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }


    private string AuthorizeUrl(string challenge, string state, string redirectUri = Redirect, string method = "S256") =>
        $"{lab.Authority}{lab.TenantId}/oauth2/v2.0/authorize?" + string.Join('&', new Dictionary<string, string>
        {
            ["client_id"] = AzureCli, ["response_type"] = "code", ["redirect_uri"] = redirectUri,
            ["scope"] = lab.ArmScope + " offline_access openid profile", ["state"] = state,
            ["code_challenge"] = challenge, ["code_challenge_method"] = method, ["prompt"] = "select_account",
        }.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value)));

    private async Task<Uri> AuthorizeAsync(HttpClient http, string challenge, string state)
    {
        var response = await http.GetAsync(AuthorizeUrl(challenge, state));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }

    private Task<HttpResponseMessage> RedeemAsync(HttpClient http, string code, string verifier) =>
        http.PostAsync($"{lab.Authority}{lab.TenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = AzureCli, ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = Redirect,
            ["code_verifier"] = verifier, ["scope"] = lab.ArmScope + " offline_access openid profile", ["client_info"] = "1",
        }));
}

/// <summary>
/// Puts the lab's scripted browser first on PATH (MSAL.NET 4.83 on Linux starts the first of xdg-open, gnome-open,
/// kfmclient, microsoft-edge, wslview it finds in PATH's folders); undone on dispose. Child processes inherit it.
/// DISPLAY is not needed: MSAL's interactive flow launches the browser without checking it (only
/// IsUserInteractive() and the broker look at it), and these tests run without one. MSAL refuses under sudo
/// (SUDO_USER set).
/// </summary>
internal sealed class FakeBrowser : IDisposable
{
    private readonly string? _path = Environment.GetEnvironmentVariable("PATH");
    private readonly string? _user = Environment.GetEnvironmentVariable("AZSTACKHCI_LAB_BROWSER_USER");

    private FakeBrowser(string folder, string? user)
    {
        Environment.SetEnvironmentVariable("PATH", folder + Path.PathSeparator + _path);
        Environment.SetEnvironmentVariable("AZSTACKHCI_LAB_BROWSER_USER", user);
    }

    public static FakeBrowser Install(string? user = null) => new(Folder(), user);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("PATH", _path);
        Environment.SetEnvironmentVariable("AZSTACKHCI_LAB_BROWSER_USER", _user);
    }

    /// <summary>tests/Az.StackHCI.Lab/Browser, found from the test binaries upwards.</summary>
    private static string Folder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Az.StackHCI.Lab", "Browser");
            if (File.Exists(Path.Combine(candidate, "xdg-open")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/Az.StackHCI.Lab/Browser/xdg-open not found above " + AppContext.BaseDirectory);
    }
}
