using System;
using System.Globalization;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Workflows
{
    /// <summary>Checks of parameters the commands share, made before any node or cloud is contacted.</summary>
    internal static class CommonInput
    {
        public static void SubscriptionId(string? subscriptionId)
        {
            if (subscriptionId is not null && !Guid.TryParse(subscriptionId, out _))
            {
                throw new HciException("InvalidSubscriptionId", HciErrorCategory.InvalidArgument, subscriptionId,
                    $"'{subscriptionId}' is not a subscription id. Give the subscription's GUID, e.g. 12345678-1234-1234-1234-123456789012.");
            }
        }

        public static void ResourceGroupName(string? group, string parameter = "ResourceGroupName")
        {
            if (group is not null && !ResourceIds.IsValidResourceGroupName(group))
            {
                throw new HciException("InvalidResourceGroupName", HciErrorCategory.InvalidArgument, group,
                    $"'{group}' is not a valid resource group name for -{parameter}: use 1-90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'.");
            }
        }

        public static void ResourceName(string? name)
        {
            if (name is not null && (name.Length == 0 || name.Length > 260 || name.IndexOfAny(new[] { '/', '\\', '?', '#', '%', '&' }) >= 0))
            {
                throw new HciException("InvalidResourceName", HciErrorCategory.InvalidArgument, name,
                    $"'{name}' is not a valid resource name: it must be 1-260 characters without / \\ ? # % &.");
            }
        }

        public static void ThrottleLimit(int throttleLimit)
        {
            if (throttleLimit < 1)
            {
                throw new HciException("InvalidThrottleLimit", HciErrorCategory.InvalidArgument, throttleLimit.ToString(CultureInfo.InvariantCulture),
                    "-ThrottleLimit must be at least 1.");
            }
        }

        public static HciEnvironment Environment(string name, EnvironmentCatalog environments) =>
            environments.Find(name)
                ?? throw new HciException("EnvironmentNotFound", HciErrorCategory.ObjectNotFound, name,
                    $"There is no environment named '{name}'. Run Get-AzStackHCIEnvironment to list them, or add a custom one with Add-AzStackHCIEnvironment.");

        /// <summary>
        /// Supplied tokens come in pairs (ARM and Graph) and are refused now when expired or meant for another cloud; a
        /// workload identity lacking its variables is refused now too.
        /// </summary>
        /// <param name="graphPurpose">Why the command needs Graph; null for a command that calls ARM only.</param>
        public static void SignIn(HciEnvironment environment, SignInRequest signIn, string? graphPurpose)
        {
            _ = signIn.WithWorkloadIdentity(System.Environment.GetEnvironmentVariable);
            if (signIn.ArmAccessToken is null)
            {
                return;
            }

            if (signIn.GraphAccessToken is null && graphPurpose is not null)
            {
                throw new HciException("GraphAccessTokenRequired", HciErrorCategory.InvalidArgument, "GraphAccessToken",
                    $"{graphPurpose}: with -ArmAccessToken, also give -GraphAccessToken (a Graph token of the same account).");
            }

            AzureSignIn.CheckSuppliedTokens(environment, signIn);
        }
    }
}
