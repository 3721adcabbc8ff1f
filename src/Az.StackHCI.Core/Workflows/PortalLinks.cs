using Az.StackHCI.Core.Environments;

namespace Az.StackHCI.Core.Workflows
{
    /// <summary>Azure portal addresses shown to users (behaviour reference §1.6).</summary>
    internal static class PortalLinks
    {
        public static string Resource(HciEnvironment environment, string tenantId, string resourceId) =>
            $"{Base(environment)}#@{tenantId}/resource{resourceId}/overview";

        /// <summary>The application's API permissions page, in today's portal form, where an administrator grants consent.</summary>
        public static string AppPermissions(HciEnvironment environment, string appId) =>
            $"{Base(environment)}#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/CallAnAPI/appId/{appId}/isMSAApp~/false";

        /// <summary>Entra ID's own admin-consent endpoint for the tenant: no portal needed.</summary>
        public static string AdminConsent(HciEnvironment environment, string tenantId, string appId) =>
            $"{environment.ActiveDirectoryAuthority.AbsoluteUri.TrimEnd('/')}/{tenantId}/adminconsent?client_id={appId}";

        private static string Base(HciEnvironment environment) => environment.PortalUrl.AbsoluteUri;
    }
}
