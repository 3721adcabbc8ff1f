using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Resilience;
using Polly;

namespace Az.StackHCI.Core.Environments
{
    /// <summary>Reads a cloud's description from its ARM metadata endpoint, as Azure Stack Hub users do.</summary>
    public sealed class ArmMetadataClient
    {
        public const string ApiVersion = "2022-09-01";

        private static readonly HttpClient SharedClient = new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

        private readonly HttpClient _http;
        private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

        public ArmMetadataClient()
            : this(SharedClient, HttpResilience.Create())
        {
        }

        internal ArmMetadataClient(HttpClient http, ResiliencePipeline<HttpResponseMessage> pipeline)
        {
            _http = http;
            _pipeline = pipeline;
        }

        public async Task<HciEnvironment> GetEnvironmentAsync(string name, Uri resourceManagerEndpoint, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            if (!string.Equals(resourceManagerEndpoint.Scheme, "https", StringComparison.OrdinalIgnoreCase))
            {
                throw new HciException("ResourceManagerEndpointNotHttps", HciErrorCategory.InvalidArgument, resourceManagerEndpoint.OriginalString,
                    $"The resource manager endpoint '{resourceManagerEndpoint.OriginalString}' must use https. Give the https URL of the cloud's Azure Resource Manager.");
            }

            var metadataUri = new Uri(new Uri(resourceManagerEndpoint.GetLeftPart(UriPartial.Authority) + "/"), $"metadata/endpoints?api-version={ApiVersion}");
            reporter.Verbose($"Reading the cloud's endpoints from {metadataUri}.");
            string body;
            try
            {
                using var response = await _pipeline.ExecuteAsync(
                    async token => await _http.GetAsync(metadataUri, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false),
                    cancellationToken).ConfigureAwait(false);
                body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new HciException("ArmMetadataRequestFailed", HciErrorCategory.InvalidData, metadataUri.AbsoluteUri,
                        $"{metadataUri} answered {(int)response.StatusCode} {response.ReasonPhrase}. Check that -ResourceManagerEndpoint is the cloud's Azure Resource Manager URL.");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException || ex is Polly.Timeout.TimeoutRejectedException)
            {
                throw new HciException("ArmMetadataUnreachable", HciErrorCategory.ConnectionError, metadataUri.AbsoluteUri,
                    $"Could not read {metadataUri}: {Innermost(ex).Message.TrimEnd('.')}. Check the URL, the network path and that this machine trusts the endpoint's certificate.", ex);
            }

            return Parse(name, resourceManagerEndpoint, metadataUri, body);
        }

        internal static HciEnvironment Parse(string name, Uri resourceManagerEndpoint, Uri metadataUri, string json)
        {
            try
            {
                using var document = JsonDocument.Parse(json);
                var cloud = SelectCloud(document.RootElement, resourceManagerEndpoint);
                var authentication = cloud.GetProperty("authentication");
                var graph = OptionalString(cloud, "microsoftGraphResourceId") ?? OptionalString(cloud, "graph")
                    ?? throw new InvalidOperationException("it names no Microsoft Graph endpoint (microsoftGraphResourceId)");
                var hci = cloud.TryGetProperty("dataplaneEndpoints", out var dataplane)
                    ? OptionalString(dataplane, "hciDataplaneServiceEndpoint")
                    : null;
                if (hci is null)
                {
                    throw new InvalidOperationException("it names no Azure Stack HCI service endpoint (dataplaneEndpoints.hciDataplaneServiceEndpoint)");
                }

                return new HciEnvironment(
                    name,
                    new Uri(EnsureSlash(OptionalString(cloud, "resourceManager") ?? resourceManagerEndpoint.AbsoluteUri)),
                    authentication.GetProperty("audiences").EnumerateArray().First().GetString()!,
                    new Uri(EnsureSlash(authentication.GetProperty("loginEndpoint").GetString()!)),
                    new Uri(EnsureSlash(graph)),
                    new Uri(EnsureSlash(hci)),
                    hci.TrimEnd('/') + "/.default",
                    new Uri(EnsureSlash(OptionalString(cloud, "portal") ?? resourceManagerEndpoint.AbsoluteUri)),
                    "eastus",
                    isBuiltIn: false,
                    metadataUri);
            }
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException || ex is KeyNotFoundException || ex is UriFormatException)
            {
                throw new HciException("ArmMetadataInvalid", HciErrorCategory.InvalidData, metadataUri.AbsoluteUri,
                    $"{metadataUri} did not describe a usable cloud: {ex.Message}. Check that -ResourceManagerEndpoint is the cloud's Azure Resource Manager URL.", ex);
            }
        }

        // api-version 2022-09-01 answers a list of clouds; older ones a single object.
        private static JsonElement SelectCloud(JsonElement root, Uri resourceManagerEndpoint)
        {
            if (root.ValueKind != JsonValueKind.Array)
            {
                return root;
            }

            var clouds = root.EnumerateArray().ToList();
            return clouds.FirstOrDefault(c => OptionalString(c, "resourceManager") is string arm
                    && Uri.TryCreate(arm, UriKind.Absolute, out var uri)
                    && Uri.Compare(uri, resourceManagerEndpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
                is { ValueKind: JsonValueKind.Object } match
                ? match
                : clouds.Count > 0 ? clouds[0] : throw new InvalidOperationException("the list of clouds is empty");
        }

        private static string? OptionalString(JsonElement element, string property) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;

        private static string EnsureSlash(string uri) => uri.EndsWith("/", StringComparison.Ordinal) ? uri : uri + "/";

        private static Exception Innermost(Exception ex) => ex.InnerException is null ? ex : Innermost(ex.InnerException);
    }
}
