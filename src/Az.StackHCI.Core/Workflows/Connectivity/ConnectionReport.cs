using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Workflows.Connectivity
{
    /// <summary>
    /// Test-AzStackHCIConnection's report: &lt;path&gt;.json for tools (every row, every node, its data and remediation)
    /// and &lt;path&gt;.txt to read or attach to a support case. Holds no secret: the proxy is named without credentials.
    /// </summary>
    internal static class ConnectionReport
    {
        /// <summary>Refuses, before anything is contacted, a report whose folder does not exist.</summary>
        public static void CheckPath(string? path)
        {
            if (path is not null && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(path))))
            {
                throw new HciException("ReportPathNotFound", HciErrorCategory.ObjectNotFound, path,
                    $"The folder of -ReportPath '{path}' does not exist. Create it, or name a file in an existing folder.");
            }
        }

        /// <summary>The two files' paths: the extension given (.json, .txt) is replaced.</summary>
        public static (string Json, string Text) Paths(string path)
        {
            var full = Path.GetFullPath(path);
            var extension = Path.GetExtension(full);
            var stem = extension.Equals(".json", StringComparison.OrdinalIgnoreCase) || extension.Equals(".txt", StringComparison.OrdinalIgnoreCase)
                ? full.Substring(0, full.Length - extension.Length)
                : full;
            return (stem + ".json", stem + ".txt");
        }

        public static IReadOnlyList<string> Write(string path, string environment, string computerName, Uri? proxy, IReadOnlyList<EndpointTest> results, DateTimeOffset at)
        {
            var (json, text) = Paths(path);
            File.WriteAllText(json, Json(environment, computerName, proxy, results, at).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine, new UTF8Encoding(false));
            File.WriteAllText(text, Text(environment, computerName, proxy, results, at), new UTF8Encoding(false));
            return new[] { json, text };
        }

        internal static JsonObject Json(string environment, string computerName, Uri? proxy, IReadOnlyList<EndpointTest> results, DateTimeOffset at) => new JsonObject
        {
            ["timestamp"] = at.UtcDateTime.ToString("o"),
            ["environment"] = environment,
            ["computerName"] = computerName,
            ["proxy"] = proxy?.GetLeftPart(UriPartial.Authority),
            ["passed"] = ConnectionTestWorkflow.AllRequiredPassed(results),
            ["tests"] = new JsonArray(results.Select(r => (JsonNode)new JsonObject
            {
                ["test"] = r.Test,
                ["endpointTested"] = r.EndpointTested,
                ["isRequired"] = r.IsRequired,
                ["result"] = r.Succeeded ? "Succeeded" : "Failed",
                ["failedNodes"] = new JsonArray(r.FailedNodes.Select(n => (JsonNode)n).ToArray()),
                ["remediation"] = r.Remediation,
                ["nodes"] = new JsonArray(r.Nodes.Select(n => (JsonNode)new JsonObject
                {
                    ["computerName"] = n.ComputerName,
                    ["result"] = n.Succeeded ? "Succeeded" : "Failed",
                    ["detail"] = n.Detail,
                    ["durationMs"] = n.Duration is TimeSpan d ? Math.Round(d.TotalMilliseconds) : (JsonNode?)null,
                    ["data"] = new JsonObject(n.Data.Select(e => new KeyValuePair<string, JsonNode?>(e.Key, e.Value))),
                }).ToArray()),
            }).ToArray()),
        };

        internal static string Text(string environment, string computerName, Uri? proxy, IReadOnlyList<EndpointTest> results, DateTimeOffset at)
        {
            var report = new StringBuilder();
            report.AppendLine($"Test-AzStackHCIConnection  {at.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
            report.AppendLine($"Environment {environment}, cluster of {computerName}{(proxy is null ? ", the nodes' own proxy settings" : ", through proxy " + proxy.GetLeftPart(UriPartial.Authority))}");
            report.AppendLine(ConnectionTestWorkflow.AllRequiredPassed(results) ? "Every required test passed." : "Required tests failed: registration will not work until they pass.");
            foreach (var result in results)
            {
                report.AppendLine();
                report.AppendLine($"[{(result.Succeeded ? "PASS" : "FAIL")}] {result.Test}{(result.IsRequired ? "" : " (optional)")}");
                report.AppendLine($"       {result.EndpointTested}");
                foreach (var node in result.Nodes)
                {
                    report.AppendLine($"  {(node.Succeeded ? "ok  " : "FAIL")} {node.ComputerName}: {node.Detail}");
                }

                if (result.Remediation is { Length: > 0 } remediation)
                {
                    report.AppendLine($"  What to do: {remediation}");
                }
            }

            return report.ToString();
        }
    }
}
