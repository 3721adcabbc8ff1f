using Az.StackHCI.Core.Environments;

namespace Az.StackHCI.Core.Workflows
{
    /// <summary>Azure portal addresses shown to users (behaviour reference §1.6).</summary>
    internal static class PortalLinks
    {
        public static string Resource(HciEnvironment environment, string tenantId, string resourceId) =>
            $"{Base(environment)}#@{tenantId}/resource{resourceId}/overview";

        /// <summary>Where an administrator grants admin consent for the cluster's application.</summary>
        public static string AppPermissions(HciEnvironment environment, string appId) =>
            $"{Base(environment)}#blade/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/CallAnAPI/appId/{appId}/isMSAApp/";

        private static string Base(HciEnvironment environment) => environment.PortalUrl.AbsoluteUri;
    }
}
