using System;

namespace Az.StackHCI.Models
{
    /// <summary>A sign-in this PowerShell session holds: who, where, and how. Never a token.</summary>
    public sealed class AzStackHCIContext
    {
        /// <summary>User principal name, or the application id of a service principal.</summary>
        public string Account { get; set; } = "";

        public string TenantId { get; set; } = "";

        public string EnvironmentName { get; set; } = "";

        /// <summary>Browser, DeviceCode, ClientSecret, ClientCertificate, FederatedToken, ManagedIdentity or AccessToken.</summary>
        public string SignInMethod { get; set; } = "";

        /// <summary>User or ServicePrincipal.</summary>
        public string AccountType { get; set; } = "";

        public DateTimeOffset SignedInAt { get; set; }
    }
}
