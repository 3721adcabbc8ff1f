using System.Text.Json.Nodes;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Arm;

/// <summary>
/// Resource providers (wire protocols §2.4). Registration takes the lab's ProviderRegistrationDelayMs; the state is
/// evaluated lazily whenever someone looks, so no timer is needed.
/// </summary>
internal static class Providers
{
    public static string Current(LabProvider provider, DateTimeOffset now)
    {
        if (provider.RegistrationState == "Registering" && provider.RegisteredAt is { } at && at <= now)
        {
            provider.RegistrationState = "Registered";
            provider.RegisteredAt = null;
        }

        return provider.RegistrationState;
    }

    public static LabProvider Require(ArmCall call, string ns) =>
        call.State.Providers.TryGetValue(ns, out var provider)
            ? provider
            : throw new ArmException(404, "InvalidResourceNamespace", $"The resource namespace '{ns}' is invalid.");

    public static ArmResult Get(ArmCall call, string ns, bool withRegistration) => ArmResult.Ok(Render(call, Require(call, ns), withRegistration));

    public static ArmResult List(ArmCall call, bool withRegistration) =>
        ArmResult.List(call.State.Providers.Values.OrderBy(p => p.Namespace, StringComparer.OrdinalIgnoreCase).Select(p => (JsonNode)Render(call, p, withRegistration)));

    public static ArmResult Register(ArmCall call, string ns)
    {
        var provider = Require(call, ns);
        if (Current(provider, call.Now) != "Registered")
        {
            var delay = call.State.Settings.ProviderRegistrationDelayMs;
            provider.RegistrationState = delay > 0 ? "Registering" : "Registered";
            provider.RegisteredAt = delay > 0 ? call.Now.AddMilliseconds(delay) : null;
        }

        return ArmResult.Ok(Render(call, provider, withRegistration: true));
    }

    public static ArmResult Unregister(ArmCall call, string ns)
    {
        var provider = Require(call, ns);
        if (call.State.Resources.Values.Any(r => ArmJson.String(r.Body["type"])?.StartsWith(provider.Namespace + "/", StringComparison.OrdinalIgnoreCase) == true))
        {
            throw new ArmException(409, "Conflict",
                $"Unregistration of the resource provider '{provider.Namespace}' failed because resources of this namespace still exist in the subscription. Delete them first.");
        }

        provider.RegistrationState = "NotRegistered";
        provider.RegisteredAt = null;
        return ArmResult.Ok(Render(call, provider, withRegistration: true));
    }

    private static JsonObject Render(ArmCall call, LabProvider provider, bool withRegistration)
    {
        var body = new JsonObject
        {
            ["id"] = withRegistration ? $"{ArmIds.Subscription(call.State)}/providers/{provider.Namespace}" : $"/providers/{provider.Namespace}",
            ["namespace"] = provider.Namespace,
        };
        if (withRegistration)
        {
            body["registrationState"] = Current(provider, call.Now);
            body["registrationPolicy"] = "RegistrationRequired";
        }

        body["resourceTypes"] = new JsonArray(provider.ResourceTypes.Select(t =>
        {
            var type = new JsonObject
            {
                ["resourceType"] = t.ResourceType,
                ["locations"] = new JsonArray(t.Locations.Select(l => (JsonNode)l).ToArray()),
                ["apiVersions"] = new JsonArray(t.ApiVersions.Select(v => (JsonNode)v).ToArray()),
            };
            if (t.Capabilities is not null)
            {
                type["capabilities"] = t.Capabilities;
            }

            return (JsonNode)type;
        }).ToArray());
        return body;
    }
}
