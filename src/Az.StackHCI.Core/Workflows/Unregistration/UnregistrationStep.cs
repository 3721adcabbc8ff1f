namespace Az.StackHCI.Core.Workflows.Unregistration
{
    /// <summary>The steps of Unregister-AzStackHCI in the order they run; the progress bar's percentage follows from this list.</summary>
    internal enum UnregistrationStep
    {
        SignInAndSessions,
        Survey,
        ArcExtensions,
        ArcNodes,
        ArcCleanup,
        NodeRegistration,
        Resource,
        Application,
        ResourceGroup,
    }
}
