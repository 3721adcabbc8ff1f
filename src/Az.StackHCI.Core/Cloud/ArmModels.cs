using System.Collections.Generic;

namespace Az.StackHCI.Core.Cloud
{
    /// <summary>A subscription as the module needs it.</summary>
    public sealed class SubscriptionInfo
    {
        public SubscriptionInfo(string subscriptionId, string tenantId, string displayName, string state)
        {
            SubscriptionId = subscriptionId;
            TenantId = tenantId;
            DisplayName = displayName;
            State = state;
        }

        public string SubscriptionId { get; }

        public string TenantId { get; }

        public string DisplayName { get; }

        public string State { get; }
    }

    /// <summary>A resource provider's registration and the locations of one of its resource types.</summary>
    public sealed class ProviderInfo
    {
        public ProviderInfo(string providerNamespace, string registrationState, IReadOnlyDictionary<string, IReadOnlyList<string>> locationsByType)
        {
            Namespace = providerNamespace;
            RegistrationState = registrationState;
            LocationsByType = locationsByType;
        }

        public string Namespace { get; }

        public string RegistrationState { get; }

        public bool IsRegistered => string.Equals(RegistrationState, "Registered", System.StringComparison.OrdinalIgnoreCase);

        /// <summary>Display names as ARM lists them ("East US"), by resource type (case-insensitive).</summary>
        public IReadOnlyDictionary<string, IReadOnlyList<string>> LocationsByType { get; }
    }

    /// <summary>A resource group.</summary>
    public sealed class ResourceGroupInfo
    {
        public ResourceGroupInfo(string id, string name, string location, IReadOnlyDictionary<string, string> tags)
        {
            Id = id;
            Name = name;
            Location = location;
            Tags = tags;
        }

        public string Id { get; }

        public string Name { get; }

        public string Location { get; }

        public IReadOnlyDictionary<string, string> Tags { get; }
    }
}
