using System.Text.Json.Nodes;

namespace Az.StackHCI.Lab.State;

// The tenant's directory, shared by the authority (sign-in), Graph (reads and writes) and ARM (principals).
// Property names follow Graph's, so snapshots read like Graph objects.

internal sealed class LabUser
{
    public string Id { get; set; } = "";
    public string UserPrincipalName { get; set; } = "";
    public string DisplayName { get; set; } = "";

    /// <summary>Directory roles by name, e.g. "Global Administrator", "Cloud Application Administrator".</summary>
    public List<string> DirectoryRoles { get; set; } = new();

    /// <summary>When the object becomes visible to other services (replication delay).</summary>
    public DateTimeOffset ReplicatedAt { get; set; }

    /// <summary>"Member", or "Guest" for a B2B guest whose account lives in another tenant.</summary>
    public string UserType { get; set; } = "Member";

    /// <summary>A guest's home tenant (null for members: their home is the lab tenant).</summary>
    public string? HomeTenantId { get; set; }

    /// <summary>A guest's object id in its home tenant (its id here is another one).</summary>
    public string? HomeObjectId { get; set; }

    /// <summary>A guest's user principal name in its home tenant: what it signs in with.</summary>
    public string? HomeUserPrincipalName { get; set; }

    /// <summary>The name the person signs in with and tokens show.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string SignInName => HomeUserPrincipalName ?? UserPrincipalName;
}

internal sealed class LabApplication
{
    public string Id { get; set; } = "";
    public string AppId { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string SignInAudience { get; set; } = "AzureADMyOrg";
    public DateTimeOffset CreatedDateTime { get; set; }
    public bool IsPublicClient { get; set; }
    public List<LabKeyCredential> KeyCredentials { get; set; } = new();
    public List<LabPasswordCredential> PasswordCredentials { get; set; } = new();

    /// <summary>Workload identity federation: external tokens this application accepts as its credential.</summary>
    public List<LabFederatedIdentityCredential> FederatedIdentityCredentials { get; set; } = new();
    public JsonArray RequiredResourceAccess { get; set; } = new();
    public List<LabAppRole> AppRoles { get; set; } = new();
    public DateTimeOffset ReplicatedAt { get; set; }

    /// <summary>When Graph starts to find it by id and in lists (PUT /replication graphNotFoundMs); seeded: MinValue.</summary>
    public DateTimeOffset GraphVisibleAt { get; set; }

    /// <summary>Object ids of the owners (the user who created it through Graph).</summary>
    public List<string> Owners { get; set; } = new();

    /// <summary>Graph properties the lab keeps but does not act on (web, api, identifierUris, tags, …), as sent.</summary>
    public System.Text.Json.Nodes.JsonObject OtherProperties { get; set; } = new();
}

internal sealed class LabKeyCredential
{
    public string KeyId { get; set; } = "";
    public string Type { get; set; } = "AsymmetricX509Cert";
    public string Usage { get; set; } = "Verify";
    public string? DisplayName { get; set; }

    /// <summary>Base64 DER of the public certificate.</summary>
    public string Key { get; set; } = "";
    public string? CustomKeyIdentifier { get; set; }
    public DateTimeOffset StartDateTime { get; set; }
    public DateTimeOffset EndDateTime { get; set; }

    /// <summary>When sign-in starts to accept it (replication delay); seeded keys have MinValue.</summary>
    public DateTimeOffset ReplicatedAt { get; set; }
}

internal sealed class LabPasswordCredential
{
    public string KeyId { get; set; } = "";
    public string? DisplayName { get; set; }
    public string? Hint { get; set; }

    /// <summary>Kept to check client secrets; never shown in snapshots or responses after creation.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string SecretText { get; set; } = "";
    public DateTimeOffset StartDateTime { get; set; }
    public DateTimeOffset EndDateTime { get; set; }

    /// <summary>When sign-in starts to accept it (replication delay); seeded secrets have MinValue.</summary>
    public DateTimeOffset ReplicatedAt { get; set; }
}

internal sealed class LabAppRole
{
    public string Id { get; set; } = "";
    public string Value { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string Description { get; set; } = "";
    public List<string> AllowedMemberTypes { get; set; } = new() { "Application" };
    public bool IsEnabled { get; set; } = true;
}

internal sealed class LabServicePrincipal
{
    public string Id { get; set; } = "";
    public string AppId { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string ServicePrincipalType { get; set; } = "Application";
    public string AppOwnerOrganizationId { get; set; } = "";
    public List<LabAppRole> AppRoles { get; set; } = new();
    public DateTimeOffset ReplicatedAt { get; set; }

    /// <summary>When Graph starts to find it by id and in lists (PUT /replication graphNotFoundMs); seeded: MinValue.</summary>
    public DateTimeOffset GraphVisibleAt { get; set; }

    /// <summary>Object ids of the owners (the user who created it through Graph).</summary>
    public List<string> Owners { get; set; } = new();

    /// <summary>Graph properties the lab keeps but does not act on (tags, appRoleAssignmentRequired, …), as sent.</summary>
    public System.Text.Json.Nodes.JsonObject OtherProperties { get; set; } = new();
}

internal sealed class LabAppRoleAssignment
{
    public string Id { get; set; } = "";
    public string AppRoleId { get; set; } = "";
    public string PrincipalId { get; set; } = "";
    public string PrincipalType { get; set; } = "ServicePrincipal";
    public string ResourceId { get; set; } = "";
    public DateTimeOffset CreatedDateTime { get; set; }

    /// <summary>When tokens start to carry the role (replication delay); seeded grants have MinValue.</summary>
    public DateTimeOffset ReplicatedAt { get; set; }
}

/// <summary>A device code sign-in in progress (authority).</summary>
internal sealed class DeviceCodeGrant
{
    public string DeviceCode { get; set; } = "";
    public string UserCode { get; set; } = "";
    public string ClientId { get; set; } = "";
    public string Tenant { get; set; } = "";
    public string Scope { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public string? ApprovedUser { get; set; }
    public bool Declined { get; set; }
    public bool Redeemed { get; set; }
}

/// <summary>
/// microsoft.graph.federatedIdentityCredential: an external issuer's token (iss, sub, one of the audiences) that
/// Entra ID takes as the application's client assertion.
/// </summary>
internal sealed class LabFederatedIdentityCredential
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Issuer { get; set; } = "";
    public string Subject { get; set; } = "";
    public List<string> Audiences { get; set; } = new();
    public string? Description { get; set; }
}

/// <summary>An authorization code of the authorization code flow (PKCE), redeemable once, for ten minutes.</summary>
internal sealed class AuthorizationCodeGrant
{
    public string Code { get; set; } = "";
    public string ClientId { get; set; } = "";
    public string Tenant { get; set; } = "";
    public string RedirectUri { get; set; } = "";
    public string Scope { get; set; } = "";
    public string CodeChallenge { get; set; } = "";
    public string UserName { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
    public bool Redeemed { get; set; }
}

/// <summary>A refresh token the authority handed out (opaque to clients).</summary>
internal sealed class RefreshGrant
{
    public string UserId { get; set; } = "";
    public string ClientId { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
}
