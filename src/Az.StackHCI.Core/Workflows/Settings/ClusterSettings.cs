using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace Az.StackHCI.Core.Workflows.Settings
{
    /// <summary>
    /// The cluster settings Set-AzStackHCI manages, as the 2024-04-01 API names them: desiredProperties
    /// (ClusterDesiredProperties: windowsServerSubscription Enabled|Disabled, diagnosticLevel Off|Basic|Enhanced), and
    /// where the cluster reports them back after a sync (ClusterReportedProperties.diagnosticLevel, and each
    /// ClusterNode's windowsServerSubscription).
    /// </summary>
    internal static class ClusterSettings
    {
        public const string WindowsServerSubscription = "windowsServerSubscription";
        public const string DiagnosticLevel = "diagnosticLevel";

        public static readonly IReadOnlyList<string> DiagnosticLevels = new[] { "Off", "Basic", "Enhanced" };

        /// <summary>The values asked for, by desiredProperties name, in the API's spelling.</summary>
        public static IReadOnlyDictionary<string, string> Requested(SettingsRequest request)
        {
            var requested = new Dictionary<string, string>();
            if (request.EnableWSSubscription is bool enable)
            {
                requested[WindowsServerSubscription] = enable ? "Enabled" : "Disabled";
            }

            if (request.DiagnosticLevel is string level)
            {
                requested[DiagnosticLevel] = DiagnosticLevels.FirstOrDefault(l => l.Equals(level, StringComparison.OrdinalIgnoreCase))
                    ?? throw new ArgumentException($"'{level}' is not a diagnostic level.", nameof(request));
            }

            return requested;
        }

        /// <summary>The requested settings whose desired value in Azure differs (the API's values compare without case).</summary>
        public static IReadOnlyList<SettingChange> Changes(JsonObject? cluster, IReadOnlyDictionary<string, string> requested)
        {
            var desired = cluster?["properties"]?["desiredProperties"] as JsonObject;
            return requested
                .Select(r => (r.Key, Current: Text(desired?[r.Key]), Wanted: r.Value))
                .Where(r => !string.Equals(r.Current, r.Wanted, StringComparison.OrdinalIgnoreCase))
                .Select(r => new SettingChange(r.Key, r.Current, r.Wanted))
                .ToList();
        }

        /// <summary>The PATCH body: only what changes (ClusterPatch.properties.desiredProperties).</summary>
        public static JsonObject Patch(IEnumerable<SettingChange> changes)
        {
            var desired = new JsonObject();
            foreach (var change in changes)
            {
                desired[change.Name] = change.To;
            }

            return new JsonObject { ["properties"] = new JsonObject { ["desiredProperties"] = desired } };
        }

        /// <summary>
        /// The requested settings the cluster does not report yet: the diagnostic level at cluster level, the Windows
        /// Server subscription on every reported node (a cluster that reported no nodes has not applied it).
        /// </summary>
        public static IReadOnlyList<string> NotReported(JsonObject? cluster, IReadOnlyDictionary<string, string> requested)
        {
            var reported = cluster?["properties"]?["reportedProperties"] as JsonObject;
            var pending = new List<string>();
            foreach (var setting in requested)
            {
                var values = setting.Key == WindowsServerSubscription
                    ? (reported?["nodes"] as JsonArray ?? new JsonArray()).Select(n => Text(n?[WindowsServerSubscription])).ToList()
                    : new List<string?> { Text(reported?[setting.Key]) };
                if (values.Count == 0 || values.Any(v => !string.Equals(v, setting.Value, StringComparison.OrdinalIgnoreCase)))
                {
                    pending.Add(setting.Key);
                }
            }

            return pending;
        }

        public static string? Desired(JsonObject? cluster, string name) => Text(cluster?["properties"]?["desiredProperties"]?[name]);

        public static DateTimeOffset? ReportedAt(JsonObject? cluster) =>
            DateTimeOffset.TryParse(Text(cluster?["properties"]?["reportedProperties"]?["lastUpdated"]), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : (DateTimeOffset?)null;

        private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
    }
}
