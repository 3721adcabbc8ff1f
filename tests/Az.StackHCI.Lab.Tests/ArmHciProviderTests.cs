using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Azure.Core;
using Xunit;

namespace Az.StackHCI.Lab.Tests;

/// <summary>
/// The Azure Stack HCI resource provider against its 2024-04-01 spec: the service-managed identities it creates and
/// owns (createClusterIdentity, createArcIdentity), uploadCertificate, its operations list, the lab settings that
/// make it an older provider or slow its registration, and the cluster's identity properties.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class ArmHciProviderTests(LabFixture lab) : IAsyncLifetime
{
    private const string Api = "2024-04-01";
    private static readonly string[] ClusterIdentityProperties = { "aadClientId", "aadTenantId", "aadServicePrincipalObjectId", "aadApplicationObjectId" };
    private static readonly string[] ArcIdentityProperties = { "arcApplicationClientId", "arcApplicationTenantId", "arcServicePrincipalObjectId", "arcApplicationObjectId" };
    private readonly ArmTestClient _arm = new(lab);

    public async Task InitializeAsync()
    {
        await lab.ResetAsync();
        await _arm.PrepareAsync(lab.CiCredential(), "rg", "Microsoft.AzureStackHCI");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private string Cluster(string name = "c1") => _arm.ClusterId("rg", name);

    private string ArcSetting(string name = "c1") => Cluster(name) + "/arcSettings/default";

    private async Task<JsonNode> PutClusterAsync(string name = "c1")
    {
        var reply = await _arm.SendAsync(lab.CiCredential(), "PUT", $"{Cluster(name)}?api-version={Api}", new { location = "eastus", properties = new { } });
        Assert.Equal(200, reply.Status);
        return reply.Body!;
    }

    private Task<ArmReply> PostAsync(string resourceId, string action, object? body = null) =>
        _arm.SendAsync(lab.CiCredential(), "POST", $"{resourceId}/{action}?api-version={Api}", body);

    private static JsonObject App(JsonObject state, string appId) =>
        state["applications"]!.AsArray().Single(a => a!["appId"]!.GetValue<string>() == appId)!.AsObject();

    private static JsonObject ServicePrincipal(JsonObject state, string appId) =>
        state["servicePrincipals"]!.AsArray().Single(a => a!["appId"]!.GetValue<string>() == appId)!.AsObject();

    private static string[] Owners(JsonObject directoryObject) => directoryObject["owners"]!.AsArray().Select(o => o!.GetValue<string>()).ToArray();

    private static string[] Keys(JsonNode? node) => node!.AsObject().Select(p => p.Key).OrderBy(k => k, StringComparer.Ordinal).ToArray();

    private static string[] Sorted(IEnumerable<string> values) => values.OrderBy(v => v, StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task CreateClusterIdentity_answers_ClusterIdentityResponse_and_the_provider_owns_an_app_holding_the_HCI_service_roles()
    {
        var cluster = await PutClusterAsync();
        var providerPrincipal = cluster["properties"]!["resourceProviderObjectId"]!.GetValue<string>();

        var reply = await PostAsync(Cluster(), "createClusterIdentity");
        var again = await PostAsync(Cluster(), "createClusterIdentity");

        Assert.Equal(200, reply.Status);
        var identity = reply.Body!["properties"]!;
        Assert.Equal(new[] { "properties" }, Keys(reply.Body));
        Assert.Equal(Sorted(ClusterIdentityProperties), Keys(identity));
        Assert.Equal(lab.TenantId, identity["aadTenantId"]!.GetValue<string>());
        Assert.Equal(identity.ToJsonString(), again.Body!["properties"]!.ToJsonString());
        var read = (await _arm.SendAsync(lab.CiCredential(), "GET", $"{Cluster()}?api-version={Api}")).Body!["properties"]!;
        foreach (var name in ClusterIdentityProperties)
        {
            Assert.Equal(identity[name]!.GetValue<string>(), read[name]!.GetValue<string>());
        }

        var appId = identity["aadClientId"]!.GetValue<string>();
        var state = await lab.StateAsync();
        var app = App(state, appId);
        var principal = ServicePrincipal(state, appId);
        Assert.Equal(identity["aadApplicationObjectId"]!.GetValue<string>(), app["id"]!.GetValue<string>());
        Assert.Equal(identity["aadServicePrincipalObjectId"]!.GetValue<string>(), principal["id"]!.GetValue<string>());
        Assert.Equal(new[] { providerPrincipal }, Owners(app));
        Assert.Equal(new[] { providerPrincipal }, Owners(principal));
        var access = Assert.Single(app["requiredResourceAccess"]!.AsArray())!;
        Assert.Equal(GraphTestKit.HciAppId, access["resourceAppId"]!.GetValue<string>());
        Assert.Equal(Sorted(GraphTestKit.HciRoles.Select(r => r.Id.ToString())), Sorted(access["resourceAccess"]!.AsArray().Select(a => a!["id"]!.GetValue<string>())));
        Assert.All(access["resourceAccess"]!.AsArray(), a => Assert.Equal("Role", a!["type"]!.GetValue<string>()));
        var hciPrincipal = ServicePrincipal(state, GraphTestKit.HciAppId)["id"]!.GetValue<string>();
        var grants = state["appRoleAssignments"]!.AsArray().Where(a => a!["principalId"]!.GetValue<string>() == principal["id"]!.GetValue<string>()).ToList();
        Assert.Equal(Sorted(GraphTestKit.HciRoles.Select(r => r.Id.ToString())), Sorted(grants.Select(g => g!["appRoleId"]!.GetValue<string>())));
        Assert.All(grants, g => Assert.Equal(hciPrincipal, g!["resourceId"]!.GetValue<string>()));
        Assert.All(grants, g => Assert.False(Guid.TryParse(g!["id"]!.GetValue<string>(), out _), "app role assignment ids are opaque strings, not GUIDs"));
        Assert.Single(state["applications"]!.AsArray(), a => a!["displayName"]!.GetValue<string>() == "c1");
    }

    [Fact]
    public async Task CreateClusterIdentity_run_long_answers_202_and_its_status_carries_the_identity()
    {
        await PutClusterAsync("slow");
        await PutClusterAsync("quick");
        await lab.PutControlAsync("async-operations", new[]
        {
            new { method = "POST", path = "/clusters/slow/createClusterIdentity$", durationMs = 600_000 },
            new { method = "POST", path = "/clusters/quick/createClusterIdentity$", durationMs = 0 },
        });

        var slow = await PostAsync(Cluster("slow"), "createClusterIdentity");
        var quick = await PostAsync(Cluster("quick"), "createClusterIdentity");

        foreach (var accepted in new[] { slow, quick })
        {
            Assert.Equal(202, accepted.Status);
            Assert.Null(accepted.Body);
            Assert.StartsWith(lab.Arm + $"subscriptions/{lab.SubscriptionId}/providers/Microsoft.AzureStackHCI/locations/eastus/operationStatuses/", accepted.Header("Azure-AsyncOperation"));
            Assert.StartsWith(lab.Arm + $"subscriptions/{lab.SubscriptionId}/providers/Microsoft.AzureStackHCI/locations/eastus/operationResults/", accepted.Header("Location"));
            Assert.Equal("0", accepted.Header("Retry-After"));
        }

        var running = await _arm.SendAsync(lab.CiCredential(), "GET", slow.Header("Azure-AsyncOperation")!);
        var runningResult = await _arm.SendAsync(lab.CiCredential(), "GET", slow.Header("Location")!);
        Assert.Equal(200, running.Status);
        Assert.Equal("InProgress", running.Body!["status"]!.GetValue<string>());
        Assert.Null(running.Body!["properties"]);
        Assert.Equal(202, runningResult.Status);

        var done = await _arm.SendAsync(lab.CiCredential(), "GET", quick.Header("Azure-AsyncOperation")!);
        var result = await _arm.SendAsync(lab.CiCredential(), "GET", quick.Header("Location")!);
        Assert.Equal(200, done.Status);
        Assert.Equal("Succeeded", done.Body!["status"]!.GetValue<string>());
        Assert.Equal(Sorted(ClusterIdentityProperties), Keys(done.Body!["properties"]));
        Assert.Equal(lab.TenantId, done.Body!["properties"]!["aadTenantId"]!.GetValue<string>());
        Assert.Equal(200, result.Status);
        Assert.Equal(done.Body!["properties"]!.ToJsonString(), result.Body!["properties"]!.ToJsonString());
        var cluster = (await _arm.SendAsync(lab.CiCredential(), "GET", $"{Cluster("quick")}?api-version={Api}")).Body!["properties"]!;
        Assert.Equal(done.Body!["properties"]!["aadClientId"]!.GetValue<string>(), cluster["aadClientId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_node_certificate_uploaded_to_a_provider_created_identity_gets_a_token_with_the_HCI_roles_and_the_service_accepts_it()
    {
        var cluster = await PutClusterAsync();
        var identity = (await PostAsync(Cluster(), "createClusterIdentity")).Body!["properties"]!;
        var appId = identity["aadClientId"]!.GetValue<string>();
        using var certificate = GraphTestKit.Certificate("CN=node1");

        var upload = await PostAsync(Cluster(), "uploadCertificate", new { properties = new { certificates = new[] { Convert.ToBase64String(certificate.RawData) } } });

        Assert.Equal(202, upload.Status);
        Assert.Null(upload.Body);
        var status = await _arm.SendAsync(lab.CiCredential(), "GET", upload.Header("Azure-AsyncOperation")!);
        Assert.Equal("Succeeded", status.Body!["status"]!.GetValue<string>());
        var state = await lab.StateAsync();
        var key = Assert.Single(App(state, appId)["keyCredentials"]!.AsArray())!;
        Assert.Equal("AsymmetricX509Cert", key["type"]!.GetValue<string>());
        Assert.Equal("Verify", key["usage"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String(certificate.RawData), key["key"]!.GetValue<string>());

        var token = await lab.HciTokenAsync(lab.CertificateCredential(appId, certificate));
        Assert.Equal(Sorted(GraphTestKit.HciRoles.Select(r => r.Value)), Sorted(GraphTestKit.Roles(token)));
        var url = cluster["properties"]!["serviceEndpoint"]!.GetValue<string>() + "clusters/" + cluster["properties"]!["cloudId"]!.GetValue<string>() + "/verifyCertificate";
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        var verified = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        Assert.Contains("ClusterNodeReadWrite", await verified.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("""{ "properties": { "certificates": [ "MIIB" ] }, "extra": 1 }""", "Could not find member 'extra' on object of type 'UploadCertificateRequest'")]
    [InlineData("""{ "properties": { "certificates": [ "MIIB" ], "thumbprint": "AB" } }""", "Could not find member 'thumbprint' on object of type 'RawCertificateData'")]
    [InlineData("""{ "properties": [ "MIIB" ] }""", "Path 'properties'")]
    [InlineData("""{ "properties": { "certificates": "MIIB" } }""", "Path 'properties.certificates'")]
    [InlineData("""{ "properties": { "certificates": [ "MIIB", 42 ] } }""", "Path 'properties.certificates[1]'")]
    [InlineData("""{ "properties": { "certificates": [] } }""", "Required property 'certificates'")]
    [InlineData("""{ "properties": {} }""", "Required property 'certificates'")]
    public async Task UploadCertificate_reads_its_body_as_the_spec_UploadCertificateRequest(string body, string reason)
    {
        await PutClusterAsync();
        await PostAsync(Cluster(), "createClusterIdentity");

        var reply = await PostAsync(Cluster(), "uploadCertificate", body);

        Assert.Equal((400, "InvalidRequestContent"), (reply.Status, reply.ErrorCode));
        Assert.Contains(reason, reply.ErrorMessage);
        Assert.Null(reply.Header("Azure-AsyncOperation"));
    }

    [Fact]
    public async Task UploadCertificate_without_a_body_or_with_a_certificate_that_is_not_DER_is_refused()
    {
        await PutClusterAsync();

        var empty = await PostAsync(Cluster(), "uploadCertificate");
        var garbage = await PostAsync(Cluster(), "uploadCertificate", new { properties = new { certificates = new[] { "bm90IGEgY2VydGlmaWNhdGU=" } } });

        Assert.Equal((400, "InvalidRequestContent"), (empty.Status, empty.ErrorCode));
        Assert.Equal((400, "InvalidCertificate"), (garbage.Status, garbage.ErrorCode));
    }

    [Fact]
    public async Task CreateArcIdentity_answers_ArcIdentityResponse_sync_or_as_the_status_of_a_long_operation_and_the_provider_owns_the_app()
    {
        var cluster = await PutClusterAsync();
        await PutClusterAsync("c2");
        var providerPrincipal = cluster["properties"]!["resourceProviderObjectId"]!.GetValue<string>();
        foreach (var name in new[] { "c1", "c2" })
        {
            Assert.Equal(200, (await _arm.SendAsync(lab.CiCredential(), "PUT", $"{ArcSetting(name)}?api-version={Api}", new { properties = new { arcInstanceResourceGroup = "rg" } })).Status);
        }

        await lab.PutControlAsync("async-operations", new[] { new { method = "POST", path = "/clusters/c2/arcSettings/default/createArcIdentity$", durationMs = 0 } });

        var sync = await PostAsync(ArcSetting(), "createArcIdentity");
        var accepted = await PostAsync(ArcSetting("c2"), "createArcIdentity");

        Assert.Equal(200, sync.Status);
        Assert.Equal(new[] { "properties" }, Keys(sync.Body));
        Assert.Equal(Sorted(ArcIdentityProperties), Keys(sync.Body!["properties"]));
        Assert.Equal(lab.TenantId, sync.Body!["properties"]!["arcApplicationTenantId"]!.GetValue<string>());
        Assert.Equal(202, accepted.Status);
        var status = await _arm.SendAsync(lab.CiCredential(), "GET", accepted.Header("Azure-AsyncOperation")!);
        Assert.Equal("Succeeded", status.Body!["status"]!.GetValue<string>());
        Assert.Equal(Sorted(ArcIdentityProperties), Keys(status.Body!["properties"]));
        var arc = (await _arm.SendAsync(lab.CiCredential(), "GET", $"{ArcSetting("c2")}?api-version={Api}")).Body!["properties"]!;
        Assert.Equal(status.Body!["properties"]!["arcApplicationObjectId"]!.GetValue<string>(), arc["arcApplicationObjectId"]!.GetValue<string>());

        var state = await lab.StateAsync();
        var appId = sync.Body!["properties"]!["arcApplicationClientId"]!.GetValue<string>();
        var app = App(state, appId);
        Assert.Equal("c1.arc", app["displayName"]!.GetValue<string>());
        Assert.Equal(new[] { providerPrincipal }, Owners(app));
        Assert.Equal(new[] { providerPrincipal }, Owners(ServicePrincipal(state, appId)));
        Assert.Empty(app["requiredResourceAccess"]!.AsArray());
        var password = await PostAsync(ArcSetting(), "generatePassword");
        Assert.Equal(200, password.Status);
        Assert.NotEmpty(password.Body!["secretText"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_operations_list_names_every_action_and_needs_only_a_valid_token()
    {
        await lab.PostControlAsync("users", new { name = "outsider" });
        var outsider = await _arm.UserAsync("outsider");
        using var anonymous = new HttpClient();

        var list = await _arm.SendAsync(outsider, "GET", $"/providers/Microsoft.AzureStackHCI/operations?api-version={Api}");
        var subscription = await _arm.SendAsync(outsider, "GET", $"{_arm.Subscription}?api-version=2022-12-01");
        var withoutToken = await anonymous.GetAsync(new Uri(lab.Arm, $"providers/Microsoft.AzureStackHCI/operations?api-version={Api}"));
        var missingVersion = await _arm.SendAsync(outsider, "GET", "/providers/Microsoft.AzureStackHCI/operations");

        Assert.Equal(200, list.Status);
        Assert.Equal((403, "AuthorizationFailed"), (subscription.Status, subscription.ErrorCode));
        Assert.Equal(HttpStatusCode.Unauthorized, withoutToken.StatusCode);
        Assert.Equal((400, "MissingApiVersionParameter"), (missingVersion.Status, missingVersion.ErrorCode));
        var operations = list.Body!["value"]!.AsArray();
        foreach (var operation in operations)
        {
            Assert.Equal(new[] { "display", "isDataAction", "name", "origin" }, Keys(operation));
            Assert.False(operation!["isDataAction"]!.GetValue<bool>());
            Assert.Equal("user,system", operation["origin"]!.GetValue<string>());
            Assert.Equal(new[] { "description", "operation", "provider", "resource" }, Keys(operation["display"]));
            Assert.Equal("Microsoft.AzureStackHCI", operation["display"]!["provider"]!.GetValue<string>());
        }

        var names = operations.Select(o => o!["name"]!.GetValue<string>()).ToList();
        var expected = new[] { "read", "write", "delete", "uploadCertificate/action", "createClusterIdentity/action", "extendSoftwareAssuranceBenefit/action" }
            .Select(a => $"Microsoft.AzureStackHCI/clusters/{a}")
            .Concat(new[] { "read", "write", "delete", "generatePassword/action", "createArcIdentity/action", "consentAndInstallDefaultExtensions/action", "initializeDisableProcess/action" }
                .Select(a => $"Microsoft.AzureStackHCI/clusters/arcSettings/{a}"))
            .Concat(new[] { "read", "write", "delete" }.Select(a => $"Microsoft.AzureStackHCI/clusters/arcSettings/extensions/{a}"));
        Assert.All(expected, name => Assert.Contains(name, names));
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        var identity = operations.Single(o => o!["name"]!.GetValue<string>() == "Microsoft.AzureStackHCI/clusters/createClusterIdentity/action")!;
        Assert.Equal("clusters", identity["display"]!["resource"]!.GetValue<string>());
    }

    [Fact]
    public async Task Operations_of_an_unknown_namespace_are_InvalidResourceNamespace()
    {
        var unknown = await _arm.SendAsync(lab.CiCredential(), "GET", "/providers/Microsoft.Nothing/operations?api-version=2022-12-27");

        Assert.Equal((400, "InvalidResourceNamespace"), (unknown.Status, unknown.ErrorCode));
    }

    [Fact]
    public async Task Without_the_service_managed_identity_its_actions_are_unknown_and_not_listed_until_reset()
    {
        await PutClusterAsync();
        Assert.Equal(200, (await _arm.SendAsync(lab.CiCredential(), "PUT", $"{ArcSetting()}?api-version={Api}", new { properties = new { } })).Status);

        var settings = await lab.PutControlAsync("hci-provider", new { serviceManagedIdentity = false });

        Assert.False(settings["serviceManagedIdentity"]!.GetValue<bool>());
        Assert.Equal(1500, settings["arcDisableMs"]!.GetValue<int>());
        var names = (await _arm.SendAsync(lab.CiCredential(), "GET", $"/providers/Microsoft.AzureStackHCI/operations?api-version={Api}")).Body!["value"]!.AsArray()
            .Select(o => o!["name"]!.GetValue<string>()).ToList();
        foreach (var action in new[] { "clusters/createClusterIdentity", "clusters/uploadCertificate", "clusters/arcSettings/createArcIdentity", "clusters/arcSettings/generatePassword" })
        {
            Assert.DoesNotContain($"Microsoft.AzureStackHCI/{action}/action", names);
        }

        Assert.Contains("Microsoft.AzureStackHCI/clusters/write", names);
        Assert.Contains("Microsoft.AzureStackHCI/clusters/arcSettings/initializeDisableProcess/action", names);
        var identity = await PostAsync(Cluster(), "createClusterIdentity");
        var upload = await PostAsync(Cluster(), "uploadCertificate", new { properties = new { certificates = new[] { "MIIB" } } });
        var arcIdentity = await PostAsync(ArcSetting(), "createArcIdentity");
        var password = await PostAsync(ArcSetting(), "generatePassword");
        var assurance = await PostAsync(Cluster(), "extendSoftwareAssuranceBenefit", new { properties = new { softwareAssuranceIntent = "Enable" } });
        Assert.Equal((404, "InvalidResourceType"), (identity.Status, identity.ErrorCode));
        Assert.Equal($"The resource type 'clusters/createClusterIdentity' could not be found in the namespace 'Microsoft.AzureStackHCI' for api version '{Api}'.", identity.ErrorMessage);
        Assert.Equal((404, "InvalidResourceType"), (upload.Status, upload.ErrorCode));
        Assert.Equal((404, "InvalidResourceType"), (arcIdentity.Status, arcIdentity.ErrorCode));
        Assert.Equal("The resource type 'clusters/arcSettings/createArcIdentity' could not be found in the namespace 'Microsoft.AzureStackHCI' for api version '2024-04-01'.", arcIdentity.ErrorMessage);
        Assert.Equal((404, "InvalidResourceType"), (password.Status, password.ErrorCode));
        Assert.Equal(200, assurance.Status);

        await lab.ResetAsync();
        await _arm.PrepareAsync(lab.CiCredential(), "rg", "Microsoft.AzureStackHCI");
        await PutClusterAsync();
        Assert.Equal(200, (await PostAsync(Cluster(), "createClusterIdentity")).Status);
        Assert.True((await lab.StateAsync())["settings"]!["serviceManagedIdentity"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_hci_provider_settings_refuse_wrong_values()
    {
        var negative = await lab.Control.PutAsync("hci-provider", new StringContent("""{ "arcDisableMs": -1 }""", System.Text.Encoding.UTF8, "application/json"));
        var wrongType = await lab.Control.PutAsync("hci-provider", new StringContent("""{ "serviceManagedIdentity": "no" }""", System.Text.Encoding.UTF8, "application/json"));
        var kept = await lab.PutControlAsync("hci-provider", new { arcDisableMs = 10 });

        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.True(kept["serviceManagedIdentity"]!.GetValue<bool>());
        Assert.Equal(10, kept["arcDisableMs"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_provider_stays_Registering_for_the_configured_delay_and_its_resources_are_refused_meanwhile()
    {
        var ci = lab.CiCredential();
        var settings = await lab.PutControlAsync("providers", new { registrationDelayMs = 120_000 });

        var register = await _arm.RegisterAsync(ci, "Microsoft.HybridCompute");
        var again = await _arm.RegisterAsync(ci, "Microsoft.HybridCompute");
        var read = await _arm.SendAsync(ci, "GET", $"{_arm.Subscription}/providers/Microsoft.HybridCompute?api-version=2022-09-01");
        var tenantLevel = await _arm.SendAsync(ci, "GET", "/providers/Microsoft.HybridCompute?api-version=2022-09-01");
        var machine = await _arm.PutMachineAsync(ci, "rg", "node1", Cluster());

        Assert.Equal(120_000, settings["registrationDelayMs"]!.GetValue<int>());
        Assert.Equal(200, register.Status);
        Assert.Equal("Registering", register.Body!["registrationState"]!.GetValue<string>());
        Assert.Equal("Registering", again.Body!["registrationState"]!.GetValue<string>());
        Assert.Equal("Registering", read.Body!["registrationState"]!.GetValue<string>());
        Assert.Null(tenantLevel.Body!["registrationState"]);
        Assert.Equal((409, "MissingSubscriptionRegistration"), (machine.Status, machine.ErrorCode));

        await lab.ResetAsync();
        var immediate = await _arm.RegisterAsync(ci, "Microsoft.HybridCompute");
        Assert.Equal("Registered", immediate.Body!["registrationState"]!.GetValue<string>());
        Assert.Equal(0, (await lab.StateAsync())["settings"]!["providerRegistrationDelayMs"]!.GetValue<int>());
    }

    [Fact]
    public async Task Cluster_PUT_takes_the_identity_object_ids_and_returns_them_with_the_provider_principal()
    {
        var applicationObjectId = Guid.NewGuid().ToString();
        var servicePrincipalObjectId = Guid.NewGuid().ToString();
        var clientId = Guid.NewGuid().ToString();

        var put = await _arm.SendAsync(lab.CiCredential(), "PUT", $"{Cluster()}?api-version={Api}", new
        {
            location = "eastus",
            properties = new { aadClientId = clientId, aadTenantId = lab.TenantId, aadApplicationObjectId = applicationObjectId, aadServicePrincipalObjectId = servicePrincipalObjectId },
        });
        var get = await _arm.SendAsync(lab.CiCredential(), "GET", $"{Cluster()}?api-version={Api}");

        Assert.Equal(200, put.Status);
        foreach (var properties in new[] { put.Body!["properties"]!, get.Body!["properties"]! })
        {
            Assert.Equal(clientId, properties["aadClientId"]!.GetValue<string>());
            Assert.Equal(applicationObjectId, properties["aadApplicationObjectId"]!.GetValue<string>());
            Assert.Equal(servicePrincipalObjectId, properties["aadServicePrincipalObjectId"]!.GetValue<string>());
            var provider = properties["resourceProviderObjectId"]!.GetValue<string>();
            var state = await lab.StateAsync();
            Assert.Contains(state["servicePrincipals"]!.AsArray(), sp => sp!["id"]!.GetValue<string>() == provider);
        }
    }
}
