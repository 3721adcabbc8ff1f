using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Core.Operations;
using Xunit;

namespace Az.StackHCI.Tests;

/// <summary>Signing in without a cloud: failures in the admin's words, and the session's sign-ins.</summary>
public sealed class SignInTests
{
    // ".invalid" never resolves (RFC 6761), so the failure is the real resolver's, with no lab.
    private static HciEnvironment Unresolvable(string name) => new(name,
        new Uri("https://management.nonexistent.invalid/"), "https://management.nonexistent.invalid/",
        new Uri("https://login.nonexistent.invalid/"), new Uri("https://graph.nonexistent.invalid/"),
        new Uri("https://dp.nonexistent.invalid/"), "https://dp.nonexistent.invalid/.default",
        new Uri("https://portal.nonexistent.invalid/"), "eastus", isBuiltIn: false);

    [Fact]
    public async Task A_name_that_does_not_resolve_fails_at_once_naming_the_host()
    {
        var reporter = new RecordingReporter();
        var request = new SignInRequest { TenantId = "contoso.onmicrosoft.com", ClientId = "00000000-0000-0000-0000-0000000000c1", ClientSecret = "not-a-real-secret" };

        var failure = await Assert.ThrowsAsync<HciException>(() => AzureSignIn.SignInAsync(Unresolvable("Dns1"), request, reporter, CancellationToken.None));

        Assert.Equal("NameResolutionFailed", failure.ErrorId);
        Assert.Equal("login.nonexistent.invalid", failure.Target);
        Assert.Contains("login.nonexistent.invalid could not be resolved (DNS", failure.Message);
        Assert.DoesNotContain("ClientOptions", failure.Message);
        Assert.DoesNotContain("not-a-real-secret", failure.Message);
        Assert.DoesNotContain(reporter.Verbose, line => line.Contains("retry", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Resource_Manager_unreachable_is_said_before_any_sign_in()
    {
        var reporter = new RecordingReporter();
        var failure = await Assert.ThrowsAsync<HciException>(() =>
            AzureSignIn.SignInAsync(Unresolvable("Dns2"), new SignInRequest(), reporter, CancellationToken.None, "11111111-2222-3333-4444-555555555555"));

        Assert.Equal("NameResolutionFailed", failure.ErrorId);
        Assert.Equal("management.nonexistent.invalid", failure.Target);
        Assert.DoesNotContain(reporter.Verbose, line => line.Contains("Signing in", StringComparison.Ordinal));
    }

    [Fact]
    public void A_workload_identity_without_its_variables_is_refused_naming_the_missing_one()
    {
        var request = new SignInRequest { UseWorkloadIdentity = true, TenantId = "contoso.onmicrosoft.com" };
        var variables = new Dictionary<string, string?> { ["AZURE_CLIENT_ID"] = "00000000-0000-0000-0000-0000000000c1" };

        var failure = Assert.Throws<HciException>(() => request.WithWorkloadIdentity(name => variables.GetValueOrDefault(name)));

        Assert.Equal("WorkloadIdentityNotConfigured", failure.ErrorId);
        Assert.Contains("AZURE_FEDERATED_TOKEN_FILE", failure.Message);
    }

    [Fact]
    public void A_workload_identity_takes_only_what_was_left_out_from_the_variables()
    {
        var request = new SignInRequest { UseWorkloadIdentity = true, ClientId = "given" };
        var variables = new Dictionary<string, string?> { ["AZURE_CLIENT_ID"] = "from-variable", ["AZURE_TENANT_ID"] = "tenant", ["AZURE_FEDERATED_TOKEN_FILE"] = "/var/run/token" };

        var resolved = request.WithWorkloadIdentity(name => variables.GetValueOrDefault(name));

        Assert.Equal(("given", "tenant", "/var/run/token"), (resolved.ClientId, resolved.TenantId, resolved.FederatedTokenFile));
    }

    [Fact]
    public void An_identity_is_told_apart_by_its_application_and_a_hash_of_its_proof_never_the_secret()
    {
        var first = Credentials.IdentityKey(new SignInRequest { ClientId = "App", ClientSecret = "secret-one" });
        var same = Credentials.IdentityKey(new SignInRequest { ClientId = "app", ClientSecret = "secret-one" });
        var corrected = Credentials.IdentityKey(new SignInRequest { ClientId = "app", ClientSecret = "secret-two" });

        Assert.Equal(first, same);
        Assert.NotEqual(first, corrected);
        Assert.DoesNotContain("secret", first);
        Assert.Equal("user", Credentials.IdentityKey(new SignInRequest { UseDeviceCode = true }));
    }

    [Theory]
    [InlineData("AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID", "the client secret is wrong")]
    [InlineData("AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:x'.", "has the token's subject")]
    [InlineData("AADSTS90002: Tenant 'x' not found.", "the tenant was not found")]
    public void Known_Entra_codes_are_explained(string message, string meaning) =>
        Assert.Contains(meaning, EntraErrorCodes.Explain(message));

    [Fact]
    public void Unknown_Entra_codes_are_left_to_the_services_words() =>
        Assert.Null(EntraErrorCodes.Explain("AADSTS1: Something new."));
}
