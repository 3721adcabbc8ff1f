using System.Text.Json.Nodes;
using Az.StackHCI.Core.Cloud;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Workflows;
using Microsoft.Graph.Models.ODataErrors;
using Xunit;

namespace Az.StackHCI.Tests;

/// <summary>The pieces of the identity flows that need no cloud: links, the provider's principal, replication errors.</summary>
public sealed class IdentityFlowTests
{
    private static readonly HciEnvironment AzureCloud = BuiltInEnvironments.All.Single(e => e.Name == BuiltInEnvironments.AzureCloud);

    [Fact]
    public void Links_an_administrator_to_todays_portal_page_and_to_Entra_IDs_own_consent_page()
    {
        Assert.Equal("https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/CallAnAPI/appId/0a1b2c3d-0000-4000-8000-123456789abc/isMSAApp~/false",
            PortalLinks.AppPermissions(AzureCloud, "0a1b2c3d-0000-4000-8000-123456789abc"));
        Assert.Equal("https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/adminconsent?client_id=0a1b2c3d-0000-4000-8000-123456789abc",
            PortalLinks.AdminConsent(AzureCloud, "72f988bf-86f1-41af-91ab-2d7cd011db47", "0a1b2c3d-0000-4000-8000-123456789abc"));
    }

    [Fact]
    public void Reads_the_providers_principal_from_the_cluster_resource()
    {
        Assert.Equal("f1a50004-6c7d-4e8f-9a0b-1c2d3e4f5a04",
            IdentityFlows.ProviderPrincipal(new JsonObject { ["properties"] = new JsonObject { ["resourceProviderObjectId"] = "f1a50004-6c7d-4e8f-9a0b-1c2d3e4f5a04" } }));
        Assert.Null(IdentityFlows.ProviderPrincipal(new JsonObject { ["properties"] = new JsonObject { ["resourceProviderObjectId"] = "" } }));
        Assert.Null(IdentityFlows.ProviderPrincipal(null));
    }

    [Theory]
    [InlineData(404, "Resource 'x' does not exist or one of its queried reference-property objects are not present.", true)]
    [InlineData(400, "Resource '7b1c' does not exist or one of its queried reference-property objects are not present.", true)]
    [InlineData(400, "Property keyCredentials is invalid.", false)]
    [InlineData(403, "Insufficient privileges to complete the operation.", false)]
    public void Rides_out_only_what_directory_replication_explains(int status, string message, bool ridden) =>
        Assert.Equal(ridden, GraphGateway.IsReplicationDelay(new ODataError { ResponseStatusCode = status, Error = new MainError { Code = "Request_ResourceNotFound", Message = message } }));
}
