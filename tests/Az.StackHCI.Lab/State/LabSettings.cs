namespace Az.StackHCI.Lab.State;

/// <summary>Behaviour the control API can change at run time; reset with the state.</summary>
internal sealed class LabSettings
{
    /// <summary>Device codes are approved as this user after <see cref="AutoApproveDelayMs"/>; null = wait for a person.</summary>
    public string? AutoApproveUser { get; set; } = "admin";

    public int AutoApproveDelayMs { get; set; }

    /// <summary>How long a new directory object stays invisible to ARM (PrincipalNotFound) and to sign-in.</summary>
    public int ReplicationDelayMs { get; set; }

    /// <summary>Entra ID's "Users can register applications": member users may create applications and service principals.</summary>
    public bool UsersCanRegisterApplications { get; set; } = true;

    /// <summary>Graph's page size for collections without $top (Graph's own is 100); tests lower it to page cheaply.</summary>
    public int GraphPageSize { get; set; } = 100;

    /// <summary>How long a provider stays Registering before it is Registered.</summary>
    public int ProviderRegistrationDelayMs { get; set; }

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
