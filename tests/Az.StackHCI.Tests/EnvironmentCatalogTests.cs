using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Operations;
using Xunit;

namespace Az.StackHCI.Tests;

public sealed class EnvironmentCatalogTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "azstackhci-unit-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static HciEnvironment Custom(string name, string arm = "https://arm.lab.example/") => new(
        name, new Uri(arm), "https://management.lab.example/", new Uri("https://login.lab.example/"),
        new Uri("https://graph.lab.example/"), new Uri("https://hci.lab.example/"), "https://hci.lab.example/.default",
        new Uri("https://portal.lab.example/"), "eastus", isBuiltIn: false, new Uri(arm + "metadata/endpoints?api-version=2022-09-01"));

    [Fact]
    public void Lists_the_five_built_in_clouds_first()
    {
        // Process-scope environments other tests add are static, so look at the head of the list only.
        var first = new EnvironmentCatalog(_directory).GetAll().Take(6).ToList();

        Assert.Equal(new[] { "AzureCloud", "AzureChinaCloud", "AzureUSGovernment", "AzurePPE", "AzureCanary" }, first.Take(5).Select(e => e.Name));
        Assert.All(first.Take(5), e => Assert.True(e.IsBuiltIn));
        Assert.All(first.Skip(5), e => Assert.False(e.IsBuiltIn));
    }

    [Fact]
    public void A_saved_environment_is_read_back_by_a_new_catalog_with_every_endpoint()
    {
        var name = "Saved" + Guid.NewGuid().ToString("N");
        new EnvironmentCatalog(_directory).Save(Custom(name), EnvironmentScope.CurrentUser);

        var read = new EnvironmentCatalog(_directory).Find(name.ToUpperInvariant());

        Assert.NotNull(read);
        Assert.False(read!.IsBuiltIn);
        Assert.Equal("https://arm.lab.example/", read.ResourceManagerEndpoint.AbsoluteUri);
        Assert.Equal("https://management.lab.example/.default", read.ResourceManagerScope);
        Assert.Equal("https://graph.lab.example/.default", read.GraphScope);
        Assert.Equal("https://hci.lab.example/", read.HciServiceEndpoint.AbsoluteUri);
        Assert.Equal("https://arm.lab.example/metadata/endpoints?api-version=2022-09-01", read.MetadataEndpoint!.AbsoluteUri);
    }

    [Fact]
    public void Saving_again_replaces_rather_than_duplicates()
    {
        var name = "Twice" + Guid.NewGuid().ToString("N");
        var catalog = new EnvironmentCatalog(_directory);
        catalog.Save(Custom(name, "https://first.example/"), EnvironmentScope.CurrentUser);
        catalog.Save(Custom(name, "https://second.example/"), EnvironmentScope.CurrentUser);

        var matches = catalog.GetAll().Where(e => e.Name == name).ToList();

        Assert.Single(matches);
        Assert.Equal("https://second.example/", matches[0].ResourceManagerEndpoint.AbsoluteUri);
    }

    [Fact]
    public void A_process_environment_is_not_written_to_the_profile()
    {
        var name = "Process" + Guid.NewGuid().ToString("N");
        new EnvironmentCatalog(_directory).Save(Custom(name), EnvironmentScope.Process);

        Assert.NotNull(new EnvironmentCatalog(_directory).Find(name));
        Assert.False(File.Exists(Path.Combine(_directory, "environments.json")));
    }

    [Theory]
    [InlineData("AzureCloud")]
    [InlineData("azureusgovernment")]
    public void Built_in_names_cannot_be_taken(string name)
    {
        var ex = Assert.Throws<HciException>(() => new EnvironmentCatalog(_directory).Save(Custom(name), EnvironmentScope.CurrentUser));

        Assert.Equal("EnvironmentNameReserved", ex.ErrorId);
        Assert.Equal(HciErrorCategory.InvalidArgument, ex.Category);
        Assert.False(File.Exists(Path.Combine(_directory, "environments.json")));
    }

    [Fact]
    public void A_damaged_settings_file_is_reported_with_its_path()
    {
        Directory.CreateDirectory(_directory);
        var file = Path.Combine(_directory, "environments.json");
        File.WriteAllText(file, "{ not json");

        var ex = Assert.Throws<HciException>(() => new EnvironmentCatalog(_directory).GetAll());

        Assert.Equal("EnvironmentFileInvalid", ex.ErrorId);
        Assert.Equal(file, ex.Target);
    }
}
