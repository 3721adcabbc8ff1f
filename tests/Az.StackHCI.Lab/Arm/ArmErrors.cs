using System.Text.Json.Nodes;

namespace Az.StackHCI.Lab.Arm;

/// <summary>The ARM errors more than one handler raises, in ARM's wording (wire protocols §1.8).</summary>
internal static class ArmErrors
{
    public static ArmException MissingApiVersion() =>
        new(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");

    public static ArmException InvalidApiVersion(string apiVersion, string type, IEnumerable<string> supported) =>
        new(400, "InvalidApiVersionParameter",
            $"The api-version '{apiVersion}' is invalid. The supported versions for resource type '{type}' are '{string.Join(",", supported)}'.");

    public static ArmException SubscriptionNotFound(string subscriptionId) =>
        new(404, "SubscriptionNotFound", $"The subscription '{subscriptionId}' could not be found.");

    public static ArmException ResourceGroupNotFound(string resourceGroup) =>
        new(404, "ResourceGroupNotFound", $"Resource group '{resourceGroup}' could not be found.");

    public static ArmException ResourceNotFound(string typeAndName, string resourceGroup) =>
        new(404, "ResourceNotFound",
            $"The Resource '{typeAndName}' under resource group '{resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");

    public static ArmException InvalidResourceType(string type, string ns, string? apiVersion) =>
        new(404, "InvalidResourceType", $"The resource type '{type}' could not be found in the namespace '{ns}' for api version '{apiVersion}'.");

    public static ArmException InvalidResourceNamespace(string ns) =>
        new(400, "InvalidResourceNamespace", $"The resource namespace '{ns}' is invalid.");

    public static ArmException NotFound(string path) =>
        new(404, "NotFound", $"The requested path '{path}' does not exist in this lab's Azure Resource Manager.");

    public static ArmException MethodNotAllowed(string method) =>
        new(405, "MethodNotAllowed", $"The requested resource does not support http method '{method}'.");

    public static ArmException InvalidRequestContent(string reason) =>
        new(400, "InvalidRequestContent", $"The request content was invalid and could not be deserialized: '{reason}'.");

    public static ArmException LocationRequired() =>
        new(400, "LocationRequired", "The location property is required for this definition.");

    public static ArmException MissingSubscriptionRegistration(string ns)
    {
        var message = $"The subscription is not registered to use namespace '{ns}'. See https://aka.ms/rps-not-found for how to register subscriptions.";
        return new ArmException(409, "MissingSubscriptionRegistration", message,
            new JsonArray(new JsonObject { ["code"] = "MissingSubscriptionRegistration", ["target"] = ns, ["message"] = message }));
    }

    public static ArmException LocationNotAvailable(string location, string type, IEnumerable<string> available) =>
        new(400, "LocationNotAvailableForResourceType",
            $"The provided location '{location}' is not available for resource type '{type}'. List of available regions for the resource type is '{string.Join(",", available)}'.");

    public static ArmException AuthorizationFailed(string client, string objectId, string action, string scope) =>
        new(403, "AuthorizationFailed",
            $"The client '{client}' with object id '{objectId}' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.");
}
