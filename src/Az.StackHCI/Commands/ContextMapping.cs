using Az.StackHCI.Core.Identity;
using Az.StackHCI.Models;

namespace Az.StackHCI.Commands
{
    internal static class ContextMapping
    {
        public static AzStackHCIContext ToModel(this SignInContext c) => new AzStackHCIContext
        {
            Account = c.Account,
            TenantId = c.TenantId,
            EnvironmentName = c.EnvironmentName,
            SignInMethod = c.Method.ToString(),
            AccountType = c.IsUser ? "User" : "ServicePrincipal",
            SignedInAt = c.SignedInAt,
        };
    }
}
