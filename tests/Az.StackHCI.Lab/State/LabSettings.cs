namespace Az.StackHCI.Lab.State;

/// <summary>Behaviour the control API can change at run time; reset with the state.</summary>
internal sealed class LabSettings
{
    /// <summary>Device codes are approved as this user after <see cref="AutoApproveDelayMs"/>; null = wait for a person.</summary>
    public string? AutoApproveUser { get; set; } = "admin";

    public int AutoApproveDelayMs { get; set; }

    /// <summary>How long a new directory object stays invisible to ARM (PrincipalNotFound) and to sign-in.</summary>
    public int ReplicationDelayMs { get; set; }

    /// <summary>How long Graph answers 404 for a new application or service principal addressed by id, and leaves it out of lists.</summary>
    public int GraphNotFoundMs { get; set; }

    /// <summary>Until when the Azure Stack HCI service's service principal is missing from the tenant, as in a new tenant.</summary>
    public DateTimeOffset? HciServicePrincipalAbsentUntil { get; set; }

    /// <summary>Entra ID's "Users can register applications": member users may create applications and service principals.</summary>
    public bool UsersCanRegisterApplications { get; set; } = true;

    /// <summary>Graph's page size for collections without $top (Graph's own is 100); tests lower it to page cheaply.</summary>
    public int GraphPageSize { get; set; } = 100;

    /// <summary>How long a provider stays Registering before it is Registered.</summary>
    public int ProviderRegistrationDelayMs { get; set; }

    /// <summary>
    /// The HCI resource provider has the service-managed identity (createClusterIdentity, uploadCertificate,
    /// createArcIdentity, generatePassword), as in Azure; false makes it a custom cloud's older provider without them.
    /// </summary>
    public bool ServiceManagedIdentity { get; set; } = true;

    /// <summary>How long arcSettings' initializeDisableProcess runs (always a long-running operation).</summary>
    public int ArcDisableMs { get; set; } = 1500;

    /// <summary>False: clusters created now carry no serviceEndpoint, as a provider that cannot take registrations yet.</summary>
    public bool ServiceEndpoint { get; set; } = true;

    /// <summary>
    /// Operations answered 202 + Azure-AsyncOperation + Location instead of synchronously, as "METHOD regex" of the
    /// ARM path (e.g. "DELETE /clusters/"), with how long they take.
    /// </summary>
    public List<AsyncOperationRule> AsyncOperations { get; set; } = new();
}

internal sealed class AsyncOperationRule
{
    public string Method { get; set; } = "";
    public string Path { get; set; } = "";
    public int DurationMs { get; set; }
}
