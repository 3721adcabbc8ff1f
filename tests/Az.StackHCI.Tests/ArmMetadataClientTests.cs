using System.Net;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Resilience;
using Xunit;

namespace Az.StackHCI.Tests;

public class ArmMetadataClientTests
{
    private const string Cloud = """
        {
          "name": "Lab",
          "portal": "https://portal.lab.example",
          "resourceManager": "https://arm.lab.example/",
          "authentication": { "loginEndpoint": "https://login.lab.example", "audiences": [ "https://management.lab.example/" ], "tenant": "common", "identityProvider": "AAD" },
          "graph": "https://graph.windows.lab.example/",
          "microsoftGraphResourceId": "https://graph.lab.example/",
          "dataplaneEndpoints": { "hciDataplaneServiceEndpoint": "https://hci.lab.example" }
        }
        """;

    private static readonly Uri Arm = new("https://arm.lab.example/");
    private static readonly Uri Metadata = new("https://arm.lab.example/metadata/endpoints?api-version=2022-09-01");

    [Fact]
    public void Reads_a_single_cloud_document()
    {
        var environment = ArmMetadataClient.Parse("Lab", Arm, Metadata, Cloud);

        Assert.Equal("Lab", environment.Name);
        Assert.False(environment.IsBuiltIn);
        Assert.Equal("https://arm.lab.example/", environment.ResourceManagerEndpoint.AbsoluteUri);
        Assert.Equal("https://management.lab.example/.default", environment.ResourceManagerScope);
        Assert.Equal("https://login.lab.example/", environment.ActiveDirectoryAuthority.AbsoluteUri);
        Assert.Equal("https://graph.lab.example/.default", environment.GraphScope);
        Assert.Equal("https://hci.lab.example/", environment.HciServiceEndpoint.AbsoluteUri);
        Assert.Equal("https://hci.lab.example/.default", environment.BillingServiceApiScope);
        Assert.Equal("https://portal.lab.example/", environment.PortalUrl.AbsoluteUri);
        Assert.Equal(Metadata, environment.MetadataEndpoint);
    }

    [Fact]
    public void Picks_the_cloud_whose_resource_manager_was_asked_for_from_a_list()
    {
        var other = Cloud.Replace("https://arm.lab.example/", "https://elsewhere.example/").Replace("hci.lab.example", "hci.elsewhere.example");
        var environment = ArmMetadataClient.Parse("Lab", Arm, Metadata, $"[{other},{Cloud}]");

        Assert.Equal("https://hci.lab.example/", environment.HciServiceEndpoint.AbsoluteUri);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{ "resourceManager": "https://arm.lab.example/" }""")]
    public void Rejects_documents_that_do_not_describe_a_cloud(string json)
    {
        var ex = Assert.Throws<HciException>(() => ArmMetadataClient.Parse("Lab", Arm, Metadata, json));

        Assert.Equal("ArmMetadataInvalid", ex.ErrorId);
        Assert.Equal(Metadata.AbsoluteUri, ex.Target);
    }

    [Fact]
    public void Rejects_a_cloud_without_an_HCI_service_endpoint_and_says_which_field()
    {
        var json = Cloud.Replace("\"dataplaneEndpoints\": { \"hciDataplaneServiceEndpoint\": \"https://hci.lab.example\" }", "\"media\": \"x\"");

        var ex = Assert.Throws<HciException>(() => ArmMetadataClient.Parse("Lab", Arm, Metadata, json));

        Assert.Contains("hciDataplaneServiceEndpoint", ex.Message);
    }

    [Fact]
    public async Task Retries_throttling_and_server_errors_then_succeeds()
    {
        var handler = new ScriptedHandler(
            Respond(HttpStatusCode.TooManyRequests, retryAfterSeconds: 0),
            Respond(HttpStatusCode.ServiceUnavailable),
            Respond(HttpStatusCode.OK, Cloud));
        var client = new ArmMetadataClient(new HttpClient(handler), HttpResilience.Create(baseDelay: TimeSpan.FromMilliseconds(1)));

        var environment = await client.GetEnvironmentAsync("Lab", Arm, SilentReporter.Instance, CancellationToken.None);

        Assert.Equal("Lab", environment.Name);
        Assert.Equal(3, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal(Metadata, r));
    }

    [Fact]
    public async Task A_client_error_is_not_retried_and_names_the_status()
    {
        var handler = new ScriptedHandler(Respond(HttpStatusCode.NotFound));
        var client = new ArmMetadataClient(new HttpClient(handler), HttpResilience.Create(baseDelay: TimeSpan.FromMilliseconds(1)));

        var ex = await Assert.ThrowsAsync<HciException>(() => client.GetEnvironmentAsync("Lab", Arm, SilentReporter.Instance, CancellationToken.None));

        Assert.Equal("ArmMetadataRequestFailed", ex.ErrorId);
        Assert.Contains("404", ex.Message);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Gives_up_on_an_unreachable_endpoint_with_a_connection_error()
    {
        var handler = new ScriptedHandler(_ => throw new HttpRequestException("Connection refused"));
        var client = new ArmMetadataClient(new HttpClient(handler), HttpResilience.Create(maxRetries: 2, baseDelay: TimeSpan.FromMilliseconds(1)));

        var ex = await Assert.ThrowsAsync<HciException>(() => client.GetEnvironmentAsync("Lab", Arm, SilentReporter.Instance, CancellationToken.None));

        Assert.Equal("ArmMetadataUnreachable", ex.ErrorId);
        Assert.Equal(HciErrorCategory.ConnectionError, ex.Category);
        Assert.Contains("Connection refused", ex.Message);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task Refuses_http_before_sending_anything()
    {
        var handler = new ScriptedHandler();
        var client = new ArmMetadataClient(new HttpClient(handler), HttpResilience.Create());

        var ex = await Assert.ThrowsAsync<HciException>(() => client.GetEnvironmentAsync("Lab", new Uri("http://arm.lab.example/"), SilentReporter.Instance, CancellationToken.None));

        Assert.Equal("ResourceManagerEndpointNotHttps", ex.ErrorId);
        Assert.Empty(handler.Requests);
    }

    private static Func<HttpRequestMessage, HttpResponseMessage> Respond(HttpStatusCode status, string body = "", int? retryAfterSeconds = null) => _ =>
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body) };
        if (retryAfterSeconds is int seconds)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
        }

        return response;
    };

    /// <summary>Answers each request with the next scripted response; the last one repeats.</summary>
    private sealed class ScriptedHandler(params Func<HttpRequestMessage, HttpResponseMessage>[] script) : HttpMessageHandler
    {
        public List<Uri> Requests { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!);
            return Task.FromResult(script[Math.Min(Requests.Count, script.Length) - 1](request));
        }
    }
}
