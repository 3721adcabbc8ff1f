using System.Text.Json.Nodes;

namespace Az.StackHCI.Lab.State;

internal sealed class LabSubscription
{
    public string SubscriptionId { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string State { get; set; } = "Enabled";
}

internal sealed class LabProvider
{
    public string Namespace { get; set; } = "";
    public string RegistrationState { get; set; } = "NotRegistered";

    /// <summary>While Registering, when it becomes Registered.</summary>
    public DateTimeOffset? RegisteredAt { get; set; }
    public List<LabResourceType> ResourceTypes { get; set; } = new();
}

internal sealed class LabResourceType
{
    public string ResourceType { get; set; } = "";
    public List<string> Locations { get; set; } = new();

    /// <summary>Newest stable first: Azure.ResourceManager takes the first as the default.</summary>
    public List<string> ApiVersions { get; set; } = new();
    public string? Capabilities { get; set; }
}

internal sealed class LabResourceGroup
{
    public string Name { get; set; } = "";
    public string Location { get; set; } = "";
    public JsonObject Tags { get; set; } = new();
    public string? ManagedBy { get; set; }
}

/// <summary>Any resource below a resource group, stored as the JSON ARM returns (id, name, type, properties …).</summary>
internal sealed class LabResource
{
    public string Id { get; set; } = "";
    public JsonObject Body { get; set; } = new();

    /// <summary>What the service keeps but never returns (e.g. a cluster's uploaded certificates).</summary>
    public JsonObject Hidden { get; set; } = new();
}

internal sealed class LabRoleDefinition
{
    /// <summary>The role's GUID (its name in ARM terms).</summary>
    public string Id { get; set; } = "";
    public string RoleName { get; set; } = "";
    public string Description { get; set; } = "";
    public bool IsCustom { get; set; }
    public List<string> Actions { get; set; } = new();
    public List<string> NotActions { get; set; } = new();
    public List<string> DataActions { get; set; } = new();
    public List<string> NotDataActions { get; set; } = new();
    public List<string> AssignableScopes { get; set; } = new() { "/" };

    /// <summary>Scope the definition was created at (custom roles: the subscription).</summary>
    public string Scope { get; set; } = "";
}

internal sealed class LabRoleAssignment
{
    public string Name { get; set; } = "";
    public string Scope { get; set; } = "";
    public string RoleDefinitionId { get; set; } = "";
    public string PrincipalId { get; set; } = "";
    public string PrincipalType { get; set; } = "User";
    public DateTimeOffset CreatedOn { get; set; }
}

/// <summary>An operation answered 202 when asynchronous operations are switched on for it.</summary>
internal sealed class LabOperation
{
    public string Id { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset CompletesAt { get; set; }
    public int StatusCode { get; set; }
    public JsonNode? Result { get; set; }
    public string? Error { get; set; }
}
