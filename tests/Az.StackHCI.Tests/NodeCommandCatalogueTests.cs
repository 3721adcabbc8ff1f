using Az.StackHCI.Core.Nodes;
using Xunit;

namespace Az.StackHCI.Tests;

/// <summary>The one list of node commands: every call goes through it, with only the parameters the command has.</summary>
public class NodeCommandCatalogueTests
{
    [Fact]
    public void Refuses_a_command_it_does_not_declare()
    {
        var refused = Assert.Throws<ArgumentException>(() => NodeCommandCatalogue.Invocation("Invoke-Expression"));
        Assert.Contains("not in the node command catalogue", refused.Message);
    }

    [Fact]
    public void Refuses_a_parameter_the_real_command_does_not_have()
    {
        var refused = Assert.Throws<ArgumentException>(() =>
            NodeCommandCatalogue.Invocation("Remove-AzureStackHCIRegistrationCertificate", new Dictionary<string, object?> { ["CertificateThumbprint"] = "AB" }));
        Assert.Contains("has no parameter CertificateThumbprint", refused.Message);
    }

    [Fact]
    public void Leaves_out_parameters_without_a_value_and_keeps_the_others()
    {
        var invocation = NodeCommandCatalogue.Invocation("Set-AzureStackHCIRegistrationCertificate",
            new Dictionary<string, object?> { ["AppId"] = "app", ["CertificateThumbprint"] = null });

        Assert.Equal(new[] { "AppId" }, invocation.Parameters.Keys);
    }

    [Fact]
    public void Gives_every_parameter_its_evidence_and_never_repeats_what_adds_state_or_answers_a_probe()
    {
        Assert.All(NodeCommandCatalogue.All.SelectMany(c => c.Parameters), p => Assert.False(string.IsNullOrWhiteSpace(p.Value), p.Key));
        Assert.False(NodeCommandCatalogue.Get("New-AzureStackHCIRegistrationCertificate").Repeatable);
        Assert.False(NodeCommandCatalogue.Get("Invoke-WebRequest").Repeatable);
        Assert.True(NodeCommandCatalogue.Get("Set-AzureStackHCIRegistrationCertificate").Repeatable);
        Assert.Equal(new[] { "Cloud" }, NodeCommandCatalogue.Get("Initialize-AzureStackHCIArcIntegration").FeatureDetected);
        Assert.Equal(new[] { "StatusCode" }, NodeCommandCatalogue.Get("Invoke-WebRequest").Select);
    }

    [Fact]
    public void Pipes_only_what_the_catalogue_says_the_node_pipes()
    {
        var resource = NodeCommandCatalogue.Invocation("Get-ClusterResource", new Dictionary<string, object?> { ["Name"] = "id" });
        var piped = NodeCommandCatalogue.Piped(resource, "Get-ClusterParameter", new Dictionary<string, object?> { ["Name"] = "DnsSuffix" });

        Assert.Same(resource, piped.Input);
        Assert.Equal("Get-ClusterParameter", piped.Command);
        var refused = Assert.Throws<ArgumentException>(() => NodeCommandCatalogue.Piped(NodeCommandCatalogue.Invocation("Get-Cluster"), "Get-ClusterParameter"));
        Assert.Contains("is not piped into Get-ClusterParameter", refused.Message);
    }

    [Fact]
    public void Names_the_paths_only_the_node_can_expand()
    {
        Assert.Equal(new[] { "AgentInstallerName", "AgentInstallerLogFile", "AgentExecutablePath" }, NodeCommandCatalogue.Get("Enable-AzureStackHCIArcIntegration").ExpandOnNode);
        Assert.Empty(NodeCommandCatalogue.Get("Set-AzureStackHCIRegistration").ExpandOnNode);
        Assert.Equal(new[] { "access_token" }, NodeCommandCatalogue.Get("Invoke-RestMethod").Select);
    }
}
