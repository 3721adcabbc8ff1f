namespace Az.StackHCI.Lab.Arm;

/// <summary>How a route is authorized.</summary>
internal enum ArmAccess
{
    /// <summary>RBAC: the caller needs <see cref="ArmRoute.Action"/> at <see cref="ArmRoute.Scope"/>.</summary>
    Action,

    /// <summary>Any role assignment in the subscription will do (subscription and provider reads, as in Azure).</summary>
    SubscriptionMember,

    /// <summary>Any valid token (tenant-level provider metadata, the caller's own permissions).</summary>
    Authenticated,
}

/// <summary>
/// What a request resolved to: the resource type whose api-versions apply, how it is authorized, and the handler.
/// </summary>
internal sealed record ArmRoute(string ApiType, ArmAccess Access, string? Action, string Scope, Func<ArmCall, ArmResult> Handle)
{
    /// <summary>Resource provider namespace that must be registered (writes into an RP's types).</summary>
    public string? RequiresRegistration { get; init; }

    /// <summary>May be answered 202 + Azure-AsyncOperation when a lab setting asks for it.</summary>
    public bool MayRunAsync { get; init; }

    /// <summary>Always answered 202 + Azure-AsyncOperation (the spec allows nothing else, e.g. uploadCertificate).</summary>
    public bool AlwaysAsync { get; init; }

    /// <summary>How long the operation runs when answered 202, if the provider decides (else the matching lab rule's).</summary>
    public int? AsyncDurationMs { get; init; }

    /// <summary>Polling URLs: Azure.Core replaces their api-version with the original request's (wire protocols §0.4).</summary>
    public bool AnyApiVersion { get; init; }

    public static ArmRoute Rbac(string apiType, string action, string scope, Func<ArmCall, ArmResult> handle) =>
        new(apiType, ArmAccess.Action, action, scope, handle);

    public static ArmRoute Member(string apiType, string scope, Func<ArmCall, ArmResult> handle) =>
        new(apiType, ArmAccess.SubscriptionMember, null, scope, handle);

    public static ArmRoute Anyone(string apiType, string scope, Func<ArmCall, ArmResult> handle) =>
        new(apiType, ArmAccess.Authenticated, null, scope, handle);
}
