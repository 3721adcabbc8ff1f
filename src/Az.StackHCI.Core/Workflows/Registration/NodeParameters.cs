using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace Az.StackHCI.Core.Workflows.Registration
{
    /// <summary>The parameters the node's registration commands share (behaviour reference §2.6).</summary>
    internal static class NodeParameters
    {
        public static Dictionary<string, object?> Common(RegistrationContext context, string appId, JsonObject cluster)
        {
            var properties = cluster["properties"]!;
            var environment = context.Environment;
            return new Dictionary<string, object?>
            {
                ["ServiceEndpoint"] = properties["serviceEndpoint"]?.GetValue<string>(),
                ["BillingServiceApiScope"] = environment.BillingServiceApiScope,
                ["GraphServiceApiScope"] = environment.GraphScope,
                ["AADAuthority"] = environment.ActiveDirectoryAuthority.AbsoluteUri.TrimEnd('/'),
                ["AppId"] = appId,
                ["TenantId"] = context.TenantId,
                ["CloudId"] = properties["cloudId"]?.GetValue<string>(),
            };
        }
    }
}
