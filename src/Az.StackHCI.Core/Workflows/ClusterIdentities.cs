namespace Az.StackHCI.Core.Workflows
{
    /// <summary>
    /// How the module names and marks the directory objects and role assignments it makes for a cluster, so that a
    /// re-run finds them again and Unregister removes exactly these and nothing of the same name it did not make.
    /// </summary>
    internal static class ClusterIdentities
    {
        /// <summary>Azure Connected Machine Onboarding.</summary>
        public const string ArcOnboardingRole = "b64e21ea-ac4e-4cdf-9dc9-5b892992bee7";

        /// <summary>Azure Connected Machine Resource Administrator.</summary>
        public const string ArcResourceAdministratorRole = "cd570a14-e51a-42ad-bac8-bafd67325302";

        public static readonly string[] ArcRoles = { ArcOnboardingRole, ArcResourceAdministratorRole };

        /// <summary>
        /// Azure Connected Machine Resource Manager: the resource provider's service principal gets it on the Arc
        /// resource group, so it can manage the nodes' Arc machines and extensions (MS 2.x Set-ArcRoleforRPSpn).
        /// </summary>
        public const string ArcResourceManagerRole = "f5819b54-e033-4d82-ac66-4fec3cbf3f4c";

        /// <summary>The tag on the cluster's application.</summary>
        public static string ClusterAppTag(string resourceId) => "AzStackHCI:" + resourceId.ToLowerInvariant();

        public static string ArcAppName(string resourceName) => resourceName + ".arc";

        /// <summary>The tag on the Arc onboarding application.</summary>
        public static string ArcAppTag(string resourceId) => ClusterAppTag(resourceId) + ":arc";
    }
}
