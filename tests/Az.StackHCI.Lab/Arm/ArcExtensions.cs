using System.Globalization;
using System.Text.Json.Nodes;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Arm;

/// <summary>
/// clusters/{c}/arcSettings/default/extensions/{name} (spec 2021-09-01 extensions.json; managedBy from 2023-02-01).
/// Two kinds, as in Azure: the default ("mandatory") extensions the provider installs itself when
/// consentAndInstallDefaultExtensions is called (managedBy "Azure"), and extensions a user PUTs (managedBy "User").
/// initializeDisableProcess removes the Azure-managed ones when it ends; the user's are the caller's to delete
/// (Microsoft's 2.x module skips managedBy "Azure" entries as "not deleted yet" and deletes the rest).
/// </summary>
internal static class ArcExtensions
{
    public const string Type = "Microsoft.AzureStackHCI/clusters/arcSettings/extensions";

    /// <summary>The 22H2 default extension (the portal's AzureEdgeTelemetryAndDiagnostics).</summary>
    public static readonly (string Name, string Publisher, string ExtensionType)[] Defaults =
    {
        ("AzureEdgeTelemetryAndDiagnostics", "Microsoft.AzureStackHCI", "TelemetryAndDiagnostics"),
    };

    private static readonly string[] WritableParameters =
    {
        "forceUpdateTag", "publisher", "type", "typeHandlerVersion", "autoUpgradeMinorVersion", "enableAutomaticUpgrade", "settings",
    };

    public static ArmResult List(ArmCall call, string resourceGroup, string cluster, string arc)
    {
        var setting = ArcSettings.Require(call, resourceGroup, cluster, arc);
        return ArmResult.List(Of(call, setting).OrderBy(r => r.Id, StringComparer.OrdinalIgnoreCase).Select(r => (JsonNode)Render(call, setting, r)));
    }

    public static ArmResult Get(ArmCall call, string resourceGroup, string cluster, string arc, string name)
    {
        var setting = ArcSettings.Require(call, resourceGroup, cluster, arc);
        return ArmResult.Ok(Render(call, setting, Require(call, setting, cluster, arc, name, resourceGroup)));
    }

    /// <summary>A user's extension: 201 when new, 200 when updated (protectedSettings are never shown).</summary>
    public static ArmResult Put(ArmCall call, string resourceGroup, string cluster, string arc, string name)
    {
        var setting = ArcSettings.Require(call, resourceGroup, cluster, arc);
        var request = call.BodyOrEmpty();
        var parameters = request["properties"]?["extensionParameters"] as JsonObject;
        var id = $"{setting.Id}/extensions/{name}";
        var resource = ArmResources.Find(call, id);
        var created = resource is null;
        if (resource is null)
        {
            resource = new LabResource
            {
                Id = id,
                Body = new JsonObject
                {
                    ["id"] = id, ["name"] = name, ["type"] = Type, ["systemData"] = ArmJson.SystemData(call),
                    ["properties"] = new JsonObject { ["provisioningState"] = "Succeeded", ["extensionParameters"] = new JsonObject(), ["managedBy"] = "User" },
                },
            };
            call.State.Resources[id] = resource;
        }

        // protectedSettings (x-ms-secret) go to the extension on the nodes; the lab has none and keeps them nowhere.
        ArmJson.CopyPresent(parameters, (JsonObject)resource.Body["properties"]!["extensionParameters"]!, WritableParameters);

        ArmJson.Touch(resource.Body, call);
        var body = Render(call, setting, resource);
        return created ? ArmResult.Created(body) : ArmResult.Ok(body);
    }

    public static ArmResult Delete(ArmCall call, string resourceGroup, string cluster, string arc, string name)
    {
        var setting = ArcSettings.Require(call, resourceGroup, cluster, arc);
        var id = $"{setting.Id}/extensions/{name}";
        if (ArmResources.Find(call, id) is null)
        {
            return ArmResult.NoContent();
        }

        ArmResources.Delete(call, id);
        return ArmResult.Deleted();
    }

    /// <summary>What consentAndInstallDefaultExtensions starts: the default extensions, managed by Azure.</summary>
    public static void InstallDefaults(ArmCall call, LabResource setting)
    {
        foreach (var (name, publisher, type) in Defaults)
        {
            var id = $"{setting.Id}/extensions/{name}";
            if (ArmResources.Find(call, id) is not null)
            {
                continue;
            }

            call.State.Resources[id] = new LabResource
            {
                Id = id,
                Body = new JsonObject
                {
                    ["id"] = id, ["name"] = name, ["type"] = Type, ["systemData"] = ArmJson.SystemData(call),
                    ["properties"] = new JsonObject
                    {
                        ["provisioningState"] = "Succeeded",
                        ["extensionParameters"] = new JsonObject
                        {
                            ["publisher"] = publisher, ["type"] = type, ["autoUpgradeMinorVersion"] = false, ["enableAutomaticUpgrade"] = true,
                        },
                        ["managedBy"] = "Azure",
                    },
                },
            };
        }
    }

    /// <summary>
    /// The end of an initializeDisableProcess whose time is up, applied whenever someone looks (no timer): the
    /// Azure-managed extensions are gone. The arc setting stays DisableInProgress until it is deleted.
    /// </summary>
    public static void Settle(ArmCall call, LabResource setting)
    {
        if (ArmJson.String(setting.Hidden["disableCompletesAt"]) is not string text
            || DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) > call.Now)
        {
            return;
        }

        foreach (var extension in Of(call, setting).Where(e => ArmJson.String(e.Body["properties"]?["managedBy"]) == "Azure").ToList())
        {
            ArmResources.Delete(call, extension.Id);
        }

        setting.Hidden.Remove("disableCompletesAt");
    }

    private static IEnumerable<LabResource> Of(ArmCall call, LabResource setting) =>
        ArmResources.OfType(call, Type).Where(r => r.Id.StartsWith(setting.Id + "/extensions/", StringComparison.OrdinalIgnoreCase));

    private static LabResource Require(ArmCall call, LabResource setting, string cluster, string arc, string name, string resourceGroup) =>
        ArmResources.Find(call, $"{setting.Id}/extensions/{name}")
            ?? throw ArmErrors.ResourceNotFound($"{Type}/{cluster}/{arc}/{name}", resourceGroup);

    /// <summary>The stored extension with its per-node state: one entry per Arc-connected node of the arc setting.</summary>
    private static JsonObject Render(ArmCall call, LabResource setting, LabResource extension)
    {
        var body = (JsonObject)extension.Body.DeepClone();
        var properties = (JsonObject)body["properties"]!;
        var name = ArmJson.String(body["name"]);
        var nodes = (ArcSettings.Render(call, setting)["properties"]?["perNodeDetails"] as JsonArray ?? new JsonArray())
            .Where(n => ArmJson.String(n?["state"]) == "Connected")
            .Select(n => (JsonNode)new JsonObject
            {
                ["name"] = ArmJson.String(n!["name"]),
                ["extension"] = $"{ArmJson.String(n["arcInstance"])}/extensions/{name}",
                ["state"] = "Succeeded",
            })
            .ToArray();
        properties["perNodeExtensionDetails"] = new JsonArray(nodes);
        properties["aggregateState"] = nodes.Length > 0 ? "Succeeded" : "NotSpecified";
        return body;
    }
}
