namespace Az.StackHCI.Core.Cloud
{
    /// <summary>
    /// The api-versions the module speaks, pinned so that behaviour never depends on what a provider lists first.
    /// </summary>
    internal static class ApiVersions
    {
        public const string Clusters = "2024-04-01";
        public const string ArcSettings = "2024-04-01";
        public const string HybridComputeMachines = "2022-12-27";
        public const string Resources = "2022-09-01";
        public const string Subscriptions = "2022-12-01";
        public const string Authorization = "2022-04-01";
    }
}
