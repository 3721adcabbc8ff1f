namespace Az.StackHCI.Core.Workflows.Registration
{
    /// <summary>
    /// The steps of Register-AzStackHCI in the order they run; the progress bar's percentage follows from this list.
    /// Each identity flow skips the steps it has not (the service-managed flow: Application, Consent).
    /// </summary>
    internal enum RegistrationStep
    {
        SignInAndSessions,
        Preflight,
        ResourceProvider,
        ResourceGroup,
        Application,
        Consent,
        Resource,
        ClusterIdentity,
        Certificates,
        Registration,
        Confirmation,
        ArcProviders,
        ArcIdentity,
        ArcEnablement,
        ArcVerification,
    }
}
