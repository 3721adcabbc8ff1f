using System.Text.Json.Nodes;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Arm;

/// <summary>
/// Microsoft.AzureStackHCI/clusters, one superset model for 2020-10-01 … 2024-04-01 (wire protocols §1.3–§1.4).
/// Status stays NotYetRegistered until the HCI service records a sync.
/// </summary>
internal static class Clusters
{
    public const string Namespace = "Microsoft.AzureStackHCI";
    public const string Type = "Microsoft.AzureStackHCI/clusters";

    private static readonly string[] WritableOnPut =
    {
        "cloudManagementEndpoint", "aadClientId", "aadTenantId", "aadApplicationObjectId", "aadServicePrincipalObjectId",
    };

    private static readonly string[] WritableOnPatch = { "cloudManagementEndpoint", "aadClientId", "aadTenantId" };

    // Until 2022-01-01 the client brought its own AAD app, so the spec required its ids.
    private static readonly HashSet<string> VersionsRequiringAadIds = new(StringComparer.OrdinalIgnoreCase) { "2020-10-01", "2021-09-01" };

    public static string Id(ArmCall call, string resourceGroup, string name) => ArmIds.Resource(call.State, resourceGroup, Namespace, "clusters", name);

    public static LabResource Require(ArmCall call, string resourceGroup, string name) =>
        ArmResources.Require(call, resourceGroup, Id(call, resourceGroup, name), $"{Type}/{name}");

    public static ArmResult Put(ArmCall call, string resourceGroup, string name)
    {
        var request = call.Body();
        var location = ArmResources.RequireLocation(call, request, Namespace, "clusters");
        ArmResources.RequireResourceGroup(call, resourceGroup);
        var requested = request["properties"] as JsonObject;
        if (VersionsRequiringAadIds.Contains(call.ApiVersion!))
        {
            foreach (var property in new[] { "aadClientId", "aadTenantId" })
            {
                if (ArmJson.String(requested?[property]) is null)
                {
                    throw ArmErrors.InvalidRequestContent($"Required property '{property}' not found in JSON. Path 'properties'");
                }
            }
        }

        ManagedIdentities.Validate(request["identity"]);
        var id = Id(call, resourceGroup, name);
        var resource = ArmResources.Find(call, id);
        if (resource is null)
        {
            resource = new LabResource { Id = id, Body = New(call, id, name, location) };
            call.State.Resources[id] = resource;
        }
        else
        {
            ArmResources.RequireSameLocation(resource, location, resourceGroup);
        }

        var body = resource.Body;
        var properties = (JsonObject)body["properties"]!;
        body["tags"] = ArmJson.Tags(request);
        ArmJson.CopyPresent(requested, properties, WritableOnPut);
        MergeDesired(requested, properties);
        if (ArmJson.String(requested?["softwareAssuranceProperties"]?["softwareAssuranceIntent"]) is string intent)
        {
            properties["softwareAssuranceProperties"]!["softwareAssuranceIntent"] = intent;
        }

        ManagedIdentities.Apply(call, body, request["identity"] as JsonObject, name);
        ArmJson.Touch(body, call);
        return ArmResult.Ok(body.DeepClone());
    }

    public static ArmResult Patch(ArmCall call, string resourceGroup, string name)
    {
        var body = Require(call, resourceGroup, name).Body;
        var request = call.Body();
        if (request["tags"] is JsonObject)
        {
            body["tags"] = ArmJson.Tags(request);
        }

        // 2020-10-01's ClusterUpdate carries tags only.
        if (call.ApiVersion != "2020-10-01")
        {
            var requested = request["properties"] as JsonObject;
            var properties = (JsonObject)body["properties"]!;
            ArmJson.CopyPresent(requested, properties, WritableOnPatch);
            MergeDesired(requested, properties);
            ManagedIdentities.Apply(call, body, request["identity"] as JsonObject, name);
        }

        ArmJson.Touch(body, call);
        return ArmResult.Ok(body.DeepClone());
    }

    public static ArmResult Get(ArmCall call, string resourceGroup, string name) => ArmResult.Ok(Require(call, resourceGroup, name).Body.DeepClone());

    /// <summary>Deletes the cluster; its identity goes with it where the provider made it (createClusterIdentity).</summary>
    public static ArmResult Delete(ArmCall call, string resourceGroup, string name)
    {
        var appId = ArmResources.Find(call, Id(call, resourceGroup, name)) is { } cluster ? ArmJson.String(cluster.Body["properties"]?["aadClientId"]) : null;
        var result = ArmResources.DeleteInGroup(call, resourceGroup, Id(call, resourceGroup, name));
        DirectoryObjects.DeleteIfProviderOwned(call.State, appId);
        return result;
    }

    public static ArmResult List(ArmCall call, string? resourceGroup) => ArmResources.ListOfType(call, Type, resourceGroup);

    private static JsonObject New(ArmCall call, string id, string name, string location) => new()
    {
        ["id"] = id,
        ["name"] = name,
        ["type"] = Type,
        ["location"] = location,
        ["tags"] = new JsonObject(),
        ["systemData"] = ArmJson.SystemData(call),
        ["properties"] = new JsonObject
        {
            ["provisioningState"] = "Succeeded",
            ["status"] = "NotYetRegistered",
            ["connectivityStatus"] = "NotYetRegistered",
            ["cloudId"] = call.State.NewId(),
            ["desiredProperties"] = new JsonObject { ["windowsServerSubscription"] = "Disabled", ["diagnosticLevel"] = "Basic" },
            ["softwareAssuranceProperties"] = new JsonObject
            {
                ["softwareAssuranceStatus"] = "Disabled", ["softwareAssuranceIntent"] = "Disable", ["lastUpdated"] = ArmJson.Time(call.Now),
            },
            ["reportedProperties"] = new JsonObject(),
            ["trialDaysRemaining"] = 30,
            ["billingModel"] = "Trial",
            ["serviceEndpoint"] = call.State.Settings.ServiceEndpoint ? new Uri(call.Lab.Hci, location + "/").AbsoluteUri : null,
            ["resourceProviderObjectId"] = LabIds.HciResourceProviderSpId,
        },
    };

    private static void MergeDesired(JsonObject? requested, JsonObject properties)
    {
        if (requested?["desiredProperties"] is JsonObject desired)
        {
            var current = properties["desiredProperties"] as JsonObject ?? new JsonObject();
            foreach (var (key, value) in desired)
            {
                current[key] = value?.DeepClone();
            }

            properties["desiredProperties"] = current;
        }
    }
}
