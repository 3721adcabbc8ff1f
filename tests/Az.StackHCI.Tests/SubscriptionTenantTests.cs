using Az.StackHCI.Core.Identity;
using Xunit;

namespace Az.StackHCI.Tests;

/// <summary>Reading the subscription's tenant from ARM's challenge (WWW-Authenticate).</summary>
public sealed class SubscriptionTenantTests
{
    [Theory]
    [InlineData("Bearer authorization_uri=\"https://login.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47\", error=\"invalid_token\", error_description=\"The authentication failed because of missing 'Authorization' header.\"", "72f988bf-86f1-41af-91ab-2d7cd011db47")]
    [InlineData("Bearer authorization_uri=\"https://login.microsoftonline.us/5F1C7A3E-2B4D-4E6F-8A9B-0C1D2E3F4A5B/\", error=\"invalid_token\"", "5f1c7a3e-2b4d-4e6f-8a9b-0c1d2e3f4a5b")]
    public void Reads_the_tenant_at_the_end_of_authorization_uri(string challenge, string tenant) =>
        Assert.Equal(tenant, SubscriptionTenant.TenantOf(challenge));

    [Theory]
    [InlineData("Bearer realm=\"\", error=\"invalid_token\"")]
    [InlineData("Bearer authorization_uri=\"https://login.windows.net/common\"")]
    [InlineData("Bearer authorization_uri=\"not a uri\"")]
    public void Names_no_tenant_where_the_challenge_does_not(string challenge) =>
        Assert.Null(SubscriptionTenant.TenantOf(challenge));
}
