using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Az.StackHCI.Lab.State;

/// <summary>
/// Everything the lab cloud holds, behind one lock: the directory (Entra ID and Graph), the subscription (ARM),
/// sign-ins in progress and the settings. Services take <see cref="Sync"/> for each request; requests are small.
/// </summary>
internal sealed class LabState
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Func<DateTimeOffset> _clock;

    public LabState(string root, Func<DateTimeOffset>? clock = null)
    {
        Root = root;
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
        Reset();
    }

    public object Sync { get; } = new();

    public string Root { get; }

    public DateTimeOffset Now => _clock();

    public string TenantId => LabIds.TenantId;

    public LabSettings Settings { get; private set; } = new();

    public Dictionary<string, LabUser> Users { get; } = new(StringComparer.OrdinalIgnoreCase);
    public List<LabApplication> Applications { get; } = new();
    public List<LabServicePrincipal> ServicePrincipals { get; } = new();
    public List<LabAppRoleAssignment> AppRoleAssignments { get; } = new();
    public Dictionary<string, DeviceCodeGrant> DeviceCodes { get; } = new();
    public Dictionary<string, RefreshGrant> RefreshTokens { get; } = new();
    public Dictionary<string, AuthorizationCodeGrant> AuthorizationCodes { get; } = new();

    /// <summary>
    /// The lab's OIDC issuer for workload identity federation (known once the authority listens; the seed gives the
    /// ci application a federated identity credential for it).
    /// </summary>
    public string FederationIssuer { get; set; } = "";

    public LabSubscription Subscription { get; private set; } = new();
    public Dictionary<string, LabProvider> Providers { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, LabResourceGroup> ResourceGroups { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, LabResource> Resources { get; } = new(StringComparer.OrdinalIgnoreCase);
    public List<LabRoleDefinition> RoleDefinitions { get; } = new();
    public List<LabRoleAssignment> RoleAssignments { get; } = new();
    public Dictionary<string, LabOperation> Operations { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Credentials of the seeded CI principals, for lab.json (the secret is the lab's own, not a real one).</summary>
    public string CiSecret { get; private set; } = "";
    public string CiCertificatePath { get; private set; } = "";

    /// <summary>Back to the seeded state. Callers hold <see cref="Sync"/> (or nobody else runs yet).</summary>
    public void Reset()
    {
        Settings = new LabSettings();
        Users.Clear();
        Applications.Clear();
        ServicePrincipals.Clear();
        AppRoleAssignments.Clear();
        DeviceCodes.Clear();
        RefreshTokens.Clear();
        AuthorizationCodes.Clear();
        Providers.Clear();
        ResourceGroups.Clear();
        Resources.Clear();
        RoleDefinitions.Clear();
        RoleAssignments.Clear();
        Operations.Clear();
        var seed = new LabSeed(this);
        seed.Apply();
        Subscription = seed.Subscription;
        CiSecret = seed.CiSecret;
        CiCertificatePath = seed.CiCertificatePath;
    }

    public string NewId() => Guid.NewGuid().ToString();

    /// <summary>When an object created now becomes visible elsewhere.</summary>
    public DateTimeOffset ReplicatedAtForNewObject() => Now.AddMilliseconds(Settings.ReplicationDelayMs);

    /// <summary>When Graph starts to find an application or service principal created now (graphNotFoundMs).</summary>
    public DateTimeOffset GraphVisibleAtForNewObject() => Now.AddMilliseconds(Settings.GraphNotFoundMs);

    /// <summary>The Azure Stack HCI service's service principal is missing from the tenant for now.</summary>
    public bool HciServicePrincipalAbsent => Settings.HciServicePrincipalAbsentUntil is { } until && Now < until;

    /// <summary>Graph finds the application (by id, appId and in lists).</summary>
    public bool InGraph(LabApplication app) => app.GraphVisibleAt <= Now;

    /// <summary>Graph finds the service principal (by id, appId and in lists).</summary>
    public bool InGraph(LabServicePrincipal sp) => sp.GraphVisibleAt <= Now
        && !(HciServicePrincipalAbsent && string.Equals(sp.AppId, LabIds.HciServiceAppId, StringComparison.OrdinalIgnoreCase));

    /// <summary>A user's home tenant: the lab tenant for members, another for a B2B guest.</summary>
    public string HomeTenantOf(LabUser user) => user.HomeTenantId ?? TenantId;

    /// <summary>The user's object id in a tenant it belongs to (a guest has one in each), or null when it is not in it.</summary>
    public string? ObjectIdIn(LabUser user, string tenantId) =>
        string.Equals(tenantId, TenantId, StringComparison.OrdinalIgnoreCase) ? user.Id
            : user.HomeTenantId is not null && string.Equals(tenantId, user.HomeTenantId, StringComparison.OrdinalIgnoreCase) ? user.HomeObjectId
            : null;

    public LabUser? FindUser(string nameOrId) =>
        Users.TryGetValue(nameOrId, out var byName) ? byName
            : Users.Values.FirstOrDefault(u => string.Equals(u.Id, nameOrId, StringComparison.OrdinalIgnoreCase)
                || string.Equals(u.UserPrincipalName, nameOrId, StringComparison.OrdinalIgnoreCase)
                || string.Equals(u.HomeUserPrincipalName, nameOrId, StringComparison.OrdinalIgnoreCase));

    public LabApplication? FindApplicationByAppId(string appId) =>
        Applications.FirstOrDefault(a => string.Equals(a.AppId, appId, StringComparison.OrdinalIgnoreCase));

    public LabServicePrincipal? FindServicePrincipalByAppId(string appId) =>
        ServicePrincipals.FirstOrDefault(s => string.Equals(s.AppId, appId, StringComparison.OrdinalIgnoreCase));

    public LabServicePrincipal? FindServicePrincipal(string objectId) =>
        ServicePrincipals.FirstOrDefault(s => string.Equals(s.Id, objectId, StringComparison.OrdinalIgnoreCase));

    /// <summary>A user or service principal by object id, if it has replicated.</summary>
    public (string Type, string DisplayName)? FindPrincipal(string objectId, bool requireReplicated = true)
    {
        var user = Users.Values.FirstOrDefault(u => string.Equals(u.Id, objectId, StringComparison.OrdinalIgnoreCase));
        if (user is not null && (!requireReplicated || user.ReplicatedAt <= Now))
        {
            return ("User", user.DisplayName);
        }

        var sp = FindServicePrincipal(objectId);
        return sp is not null && (!requireReplicated || sp.ReplicatedAt <= Now) ? ("ServicePrincipal", sp.DisplayName) : null;
    }

    /// <summary>The whole state as JSON for GET /state (secrets excluded).</summary>
    public JsonObject Snapshot()
    {
        JsonNode? ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, JsonOptions);
        return new JsonObject
        {
            ["tenantId"] = TenantId,
            ["settings"] = ToNode(Settings),
            ["users"] = ToNode(Users.Values.ToList()),
            ["applications"] = ToNode(Applications),
            ["servicePrincipals"] = ToNode(ServicePrincipals),
            ["appRoleAssignments"] = ToNode(AppRoleAssignments),
            ["subscription"] = ToNode(Subscription),
            ["providers"] = ToNode(Providers.Values.ToList()),
            ["resourceGroups"] = ToNode(ResourceGroups.Values.ToList()),
            ["resources"] = new JsonArray(Resources.Values.Select(r => (JsonNode)r.Body.DeepClone()).ToArray()),
            ["resourcesHidden"] = new JsonObject(Resources.Values.Where(r => r.Hidden.Count > 0).Select(r => KeyValuePair.Create(r.Id, (JsonNode?)r.Hidden.DeepClone()))),
            ["roleDefinitions"] = ToNode(RoleDefinitions),
            ["roleAssignments"] = ToNode(RoleAssignments),
            ["deviceCodes"] = ToNode(DeviceCodes.Values.Select(d => new { d.UserCode, d.ClientId, d.ApprovedUser, d.Declined, d.Redeemed, d.ExpiresAt }).ToList()),
            ["authorizationCodes"] = ToNode(AuthorizationCodes.Values.Select(c => new { c.ClientId, c.Tenant, c.RedirectUri, c.UserName, c.Redeemed, c.ExpiresAt }).ToList()),
        };
    }
}
