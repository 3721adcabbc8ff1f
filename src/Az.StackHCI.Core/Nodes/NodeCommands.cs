using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Az.StackHCI.Core.Nodes
{
    /// <summary>The failover cluster as a node sees it.</summary>
    internal sealed class ClusterInfo
    {
        public ClusterInfo(string name, string domain, string id)
        {
            Name = name;
            Domain = domain;
            Id = id;
        }

        public string Name { get; }

        /// <summary>The DNS suffix of the cluster's nodes; node sessions use name.domain.</summary>
        public string Domain { get; }

        public string Id { get; }
    }

    internal sealed class ClusterNodeInfo
    {
        public ClusterNodeInfo(string name, string state)
        {
            Name = name;
            State = state;
        }

        public string Name { get; }

        /// <summary>Up, Down, Paused or Joining.</summary>
        public string State { get; }
    }

    /// <summary>What Get-AzureStackHCI reports on a node.</summary>
    internal sealed class NodeRegistration
    {
        public string RegistrationStatus { get; set; } = "";
        public string? AzureResourceName { get; set; }
        public string? AzureResourceUri { get; set; }
        public string? ConnectionStatus { get; set; }
        public DateTimeOffset? LastConnected { get; set; }
        public DateTimeOffset? RegistrationDate { get; set; }
        public DateTimeOffset? NextSync { get; set; }
        public string? Region { get; set; }

        public bool IsRegistered => string.Equals(RegistrationStatus, "Registered", StringComparison.OrdinalIgnoreCase)
            || string.Equals(RegistrationStatus, "OutOfPolicy", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>What Get-AzureStackHCIArcIntegration reports on a node.</summary>
    internal sealed class ArcIntegrationState
    {
        public ArcIntegrationState(string clusterArcStatus, IReadOnlyDictionary<string, string> nodesArcStatus, string? applicationId)
        {
            ClusterArcStatus = clusterArcStatus;
            NodesArcStatus = nodesArcStatus;
            ApplicationId = applicationId;
        }

        /// <summary>Unknown, Enabled, Disabled or DisableInProgress.</summary>
        public string ClusterArcStatus { get; }

        /// <summary>Node name → its Arc status.</summary>
        public IReadOnlyDictionary<string, string> NodesArcStatus { get; }

        public string? ApplicationId { get; }

        public string NodeStatus(string node) => NodesArcStatus.TryGetValue(node, out var status) ? status : "Disabled";
    }

    /// <summary>A certificate found in a node's LocalMachine certificate store: its public part as DER.</summary>
    internal sealed class NodeCertificate
    {
        public NodeCertificate(string thumbprint, byte[] rawData, DateTimeOffset notBefore, DateTimeOffset notAfter, bool? hasPrivateKey, string? path)
        {
            Thumbprint = thumbprint;
            RawData = rawData;
            NotBefore = notBefore;
            NotAfter = notAfter;
            HasPrivateKey = hasPrivateKey;
            Path = path;
        }

        public string Thumbprint { get; }

        public byte[] RawData { get; }

        public DateTimeOffset NotBefore { get; }

        public DateTimeOffset NotAfter { get; }

        /// <summary>Null when the node did not say.</summary>
        public bool? HasPrivateKey { get; }

        /// <summary>The provider path (PSPath) the node reported, when it did.</summary>
        public string? Path { get; }
    }

    /// <summary>Where Microsoft's callers put the Connected Machine agent's files on a node (MS 2.x); the node expands the variables.</summary>
    internal static class ArcAgentPaths
    {
        public const string InstallerWebLink = "https://aka.ms/AzureConnectedMachineAgent";
        public const string InstallerName = @"%windir%\Temp\AzureConnectedMachineAgent.msi";
        public const string InstallerLogFile = @"%windir%\Tasks\ArcForServers\ConnectedMachineAgentInstallationLog.txt";
        public const string UninstallerLogFile = @"%windir%\Tasks\ArcForServers\ConnectedMachineAgentUninstallationLog.txt";
        public const string ExecutablePath = @"%ProgramFiles%\AzureConnectedMachineAgent\azcmagent.exe";
    }

    /// <summary>
    /// The Azure Stack HCI operating system's own commands, called on a node with the names and parameters the OS
    /// defines (behaviour reference §2), their JSON output read into typed values.
    /// </summary>
    internal static class NodeCommands
    {
        public static async Task<ClusterInfo> GetClusterAsync(INodeSession node, CancellationToken cancellationToken)
        {
            var cluster = Single(node, "Get-Cluster", await Run(node, "Get-Cluster", Empty, cancellationToken).ConfigureAwait(false));
            return new ClusterInfo(String(cluster, "Name") ?? "", String(cluster, "Domain") ?? "", String(cluster, "Id") ?? "");
        }

        /// <summary>
        /// The DNS suffix of the cluster's nodes as Microsoft reads it (MS 2.x Get-ClusterDNSSuffix): the cluster name
        /// resource's DnsSuffix parameter, which differs from Get-Cluster's Domain in disjoint namespaces; null when the
        /// node cannot tell (the caller then uses Domain).
        /// </summary>
        public static async Task<string?> GetDnsSuffixAsync(INodeSession node, CancellationToken cancellationToken)
        {
            var key = await Invoke(node, "Get-ItemProperty",
                new Dictionary<string, object?> { ["Path"] = @"HKLM:\Cluster", ["Name"] = "ClusterNameResource" }, cancellationToken).ConfigureAwait(false);
            var resource = key.Succeeded ? Objects(key).Select(o => String(o, "ClusterNameResource")).FirstOrDefault(r => !string.IsNullOrEmpty(r)) : null;
            if (resource is null)
            {
                return null;
            }

            var parameter = await node.InvokeAsync(NodeCommandCatalogue.Piped(
                NodeCommandCatalogue.Invocation("Get-ClusterResource", new Dictionary<string, object?> { ["Name"] = resource }),
                "Get-ClusterParameter", new Dictionary<string, object?> { ["Name"] = "DnsSuffix" }), cancellationToken).ConfigureAwait(false);
            return parameter.Succeeded ? Objects(parameter).Select(o => String(o, "Value")).FirstOrDefault(v => !string.IsNullOrEmpty(v)) : null;
        }

        /// <summary>The node's OS build (MS 2.x: (Get-CimInstance CIM_OperatingSystem).BuildNumber, for its 22H2 check); null when unknown.</summary>
        public static async Task<int?> GetOsBuildAsync(INodeSession node, CancellationToken cancellationToken)
        {
            var result = await Invoke(node, "Get-CimInstance", new Dictionary<string, object?> { ["ClassName"] = "CIM_OperatingSystem" }, cancellationToken).ConfigureAwait(false);
            var text = result.Succeeded ? Objects(result).Select(o => String(o, "BuildNumber")).FirstOrDefault(v => !string.IsNullOrEmpty(v)) : null;
            return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var build) ? build : (int?)null;
        }

        internal static IEnumerable<JsonElement> Objects(NodeCommandResult result) =>
            result.OutputJson.Select(json => { using var document = JsonDocument.Parse(json); return document.RootElement.Clone(); })
                .Where(o => o.ValueKind == JsonValueKind.Object);

        public static async Task<IReadOnlyList<ClusterNodeInfo>> GetClusterNodesAsync(INodeSession node, CancellationToken cancellationToken) =>
            (await Run(node, "Get-ClusterNode", Empty, cancellationToken).ConfigureAwait(false))
                .Select(n => new ClusterNodeInfo(String(n, "Name") ?? "", String(n, "State") ?? ""))
                .ToList();

        public static async Task<NodeRegistration> GetAzureStackHCIAsync(INodeSession node, CancellationToken cancellationToken)
        {
            var state = Single(node, "Get-AzureStackHCI", await Run(node, "Get-AzureStackHCI", Empty, cancellationToken).ConfigureAwait(false));
            return new NodeRegistration
            {
                RegistrationStatus = String(state, "RegistrationStatus") ?? "",
                AzureResourceName = String(state, "AzureResourceName"),
                AzureResourceUri = String(state, "AzureResourceUri"),
                ConnectionStatus = String(state, "ConnectionStatus"),
                LastConnected = Date(state, "LastConnected"),
                RegistrationDate = Date(state, "RegistrationDate"),
                NextSync = Date(state, "NextSync"),
                Region = String(state, "Region"),
            };
        }

        /// <summary>
        /// Get-AzureStackHCIArcIntegration: the cluster's Arc state and each node's (empty before Arc was ever enabled);
        /// null on a node whose OS has no Arc commands.
        /// </summary>
        public static async Task<ArcIntegrationState?> GetArcIntegrationAsync(INodeSession node, CancellationToken cancellationToken)
        {
            var result = await Invoke(node, "Get-AzureStackHCIArcIntegration", null, cancellationToken).ConfigureAwait(false);
            if (result.Errors.Any(e => e.ErrorId.StartsWith("CommandNotFoundException", StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }

            if (!result.Succeeded)
            {
                throw new NodeCommandException(node.ComputerName, "Get-AzureStackHCIArcIntegration", result.Errors);
            }

            var state = Single(node, "Get-AzureStackHCIArcIntegration", result.OutputJson.Select(json => { using var document = JsonDocument.Parse(json); return document.RootElement.Clone(); }).ToList());
            var nodes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in state.EnumerateObject().Where(p => string.Equals(p.Name, "NodesArcStatus", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.Object))
            {
                foreach (var entry in property.Value.EnumerateObject())
                {
                    nodes[entry.Name] = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString() ?? "" : entry.Value.GetRawText();
                }
            }

            return new ArcIntegrationState(String(state, "ClusterArcStatus") ?? "Unknown", nodes, String(state, "ApplicationId"));
        }

        public static Task RemoveRegistrationAsync(INodeSession node, CancellationToken cancellationToken) =>
            Run(node, "Remove-AzureStackHCIRegistration", Empty, cancellationToken);

        /// <summary>Removes the node's registration certificate(s); the OS keeps certificates it did not make.</summary>
        public static Task RemoveRegistrationCertificateAsync(INodeSession node, CancellationToken cancellationToken) =>
            Run(node, "Remove-AzureStackHCIRegistrationCertificate", Empty, cancellationToken);

        /// <summary>
        /// Disable-AzureStackHCIArcIntegration with Microsoft's parameters; <paramref name="accessToken"/> (the node's
        /// metadata-endpoint token) on clusters whose Arc uses the managed identity.
        /// </summary>
        public static Task DisableArcIntegrationAsync(INodeSession node, string? accessToken, CancellationToken cancellationToken) =>
            Run(node, "Disable-AzureStackHCIArcIntegration", new Dictionary<string, object?>
            {
                ["AgentUninstallerLogFile"] = ArcAgentPaths.UninstallerLogFile,
                ["AgentInstallerName"] = ArcAgentPaths.InstallerName,
                ["AgentExecutablePath"] = ArcAgentPaths.ExecutablePath,
                ["AccessToken"] = accessToken,
            }, cancellationToken);

        public static Task SyncAsync(INodeSession node, CancellationToken cancellationToken) =>
            Run(node, "Sync-AzureStackHCI", Empty, cancellationToken);

        /// <summary>
        /// An ARM token for the cluster's managed identity from the node's metadata endpoint (MS 2.x:
        /// http://127.0.0.1:42542/metadata/identity/oauth2/token?resource=&lt;ARM&gt;, header metadata: true); null when the
        /// endpoint gives none. It goes straight back to the node's Arc command and is never written anywhere.
        /// </summary>
        public static async Task<string?> GetNodeIdentityTokenAsync(INodeSession node, Uri resourceManager, CancellationToken cancellationToken)
        {
            var parameters = new Dictionary<string, object?>
            {
                ["Uri"] = "http://127.0.0.1:42542/metadata/identity/oauth2/token?resource=" + Uri.EscapeDataString(resourceManager.AbsoluteUri.TrimEnd('/')),
                ["Method"] = "Get",
                ["UseBasicParsing"] = true,
                ["Headers"] = new Dictionary<string, string> { ["metadata"] = "true" },
                ["UseDefaultCredentials"] = true,
            };
            var result = await Invoke(node, "Invoke-RestMethod", parameters, cancellationToken).ConfigureAwait(false);
            return result.Succeeded ? Objects(result).Select(o => String(o, "access_token")).FirstOrDefault(t => !string.IsNullOrEmpty(t)) : null;
        }

        /// <summary>Initialize-AzureStackHCIArcIntegration on the entry node; its <c>-Cloud</c> is feature-detected (some builds lack it).</summary>
        public static Task InitializeArcIntegrationAsync(INodeSession node, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken) =>
            Run(node, "Initialize-AzureStackHCIArcIntegration", parameters, cancellationToken);

        /// <summary>Enable-AzureStackHCIArcIntegration on one node with Microsoft's parameters; the result as the node wrote it.</summary>
        public static Task<NodeCommandResult> EnableArcIntegrationAsync(INodeSession node, string? accessToken, CancellationToken cancellationToken) =>
            Invoke(node, "Enable-AzureStackHCIArcIntegration", new Dictionary<string, object?>
            {
                ["AgentInstallerWebLink"] = ArcAgentPaths.InstallerWebLink,
                ["AgentInstallerName"] = ArcAgentPaths.InstallerName,
                ["AgentInstallerLogFile"] = ArcAgentPaths.InstallerLogFile,
                ["AgentExecutablePath"] = ArcAgentPaths.ExecutablePath,
                ["AccessToken"] = accessToken,
            }, cancellationToken);

        /// <summary>Whether the node's <paramref name="command"/> has <paramref name="parameter"/> (Get-Command -ParameterName).</summary>
        private static async Task<bool> HasParameterAsync(INodeSession node, string command, string parameter, CancellationToken cancellationToken)
        {
            var result = await node.InvokeAsync(NodeCommandCatalogue.Invocation("Get-Command", new Dictionary<string, object?> { ["Name"] = command, ["ParameterName"] = parameter }), cancellationToken).ConfigureAwait(false);
            if (result.Errors.Any(e => !e.ErrorId.StartsWith("CommandParameterNotFound", StringComparison.OrdinalIgnoreCase)))
            {
                throw new NodeCommandException(node.ComputerName, "Get-Command", result.Errors);
            }

            return result.OutputJson.Count > 0;
        }

        /// <summary>Clear-AzureStackHCIArcIntegration: marks Arc clean-up as started, or (at the end) clears the cluster's Arc state.</summary>
        public static Task ClearArcIntegrationAsync(INodeSession node, bool setDisableInProgress, CancellationToken cancellationToken) =>
            Run(node, "Clear-AzureStackHCIArcIntegration",
                setDisableInProgress ? new Dictionary<string, object?> { ["SetDisableInProgress"] = true } : Empty, cancellationToken);

        /// <summary>The node's clock in UTC (Get-Date, converted on the node).</summary>
        public static async Task<DateTimeOffset> GetDateAsync(INodeSession node, CancellationToken cancellationToken)
        {
            var output = await Run(node, "Get-Date", Empty, cancellationToken).ConfigureAwait(false);
            var text = output.Select(o => o.ValueKind == JsonValueKind.String ? o.GetString() : null).FirstOrDefault(s => !string.IsNullOrEmpty(s));
            return DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var date)
                ? date
                : throw new NodeCommandException(node.ComputerName, "Get-Date", new[] { new NodeError("It did not return a date.", "InvalidOutput", "InvalidResult") });
        }

        /// <summary>A new self-signed certificate made by the node, which keeps its private key; the public part as DER.</summary>
        public static async Task<byte[]> NewRegistrationCertificateAsync(INodeSession node, CancellationToken cancellationToken)
        {
            var output = await Run(node, "New-AzureStackHCIRegistrationCertificate", Empty, cancellationToken).ConfigureAwait(false);
            var text = output.Select(o => o.ValueKind == JsonValueKind.String ? o.GetString() : null).FirstOrDefault(s => !string.IsNullOrEmpty(s));
            try
            {
                return Convert.FromBase64String(text ?? throw new FormatException("no output"));
            }
            catch (FormatException)
            {
                throw new NodeCommandException(node.ComputerName, "New-AzureStackHCIRegistrationCertificate",
                    new[] { new NodeError("It did not return a base64 certificate.", "InvalidOutput", "InvalidResult") });
            }
        }

        public static Task SetRegistrationCertificateAsync(INodeSession node, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken) =>
            Run(node, "Set-AzureStackHCIRegistrationCertificate", parameters, cancellationToken);

        public static Task SetRegistrationAsync(INodeSession node, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken) =>
            Run(node, "Set-AzureStackHCIRegistration", parameters, cancellationToken);

        /// <summary>
        /// The certificate of that thumbprint in any LocalMachine store of the node (the Certificate provider:
        /// <c>Get-Item -Path Cert:\LocalMachine\*\&lt;thumbprint&gt;</c>, as on Windows PowerShell 5.1 and 7); null when it is
        /// in none. One with its private key is preferred when several stores hold it.
        /// </summary>
        public static async Task<NodeCertificate?> FindLocalMachineCertificateAsync(INodeSession node, string thumbprint, CancellationToken cancellationToken)
        {
            var found = await FindLocalMachineCertificatesAsync(node, new[] { thumbprint }, cancellationToken).ConfigureAwait(false);
            return found.FirstOrDefault(c => c.HasPrivateKey == true) ?? found.FirstOrDefault();
        }

        /// <summary>The certificates of these thumbprints in the node's LocalMachine stores, asked in one call.</summary>
        public static async Task<IReadOnlyList<NodeCertificate>> FindLocalMachineCertificatesAsync(INodeSession node, IReadOnlyCollection<string> thumbprints, CancellationToken cancellationToken)
        {
            var wanted = new HashSet<string>(thumbprints.Select(t => t.ToUpperInvariant()), StringComparer.OrdinalIgnoreCase);
            if (wanted.Count == 0)
            {
                return Array.Empty<NodeCertificate>();
            }

            return (await GetCertificatesAsync(node, wanted.Select(t => $@"Cert:\LocalMachine\*\{t}").ToArray(), cancellationToken).ConfigureAwait(false))
                .Where(c => wanted.Contains(c.Thumbprint)).ToList();
        }

        /// <summary>
        /// Removes the node's earlier registration certificates: those in LocalMachine\My with the subject of
        /// <paramref name="current"/> (the node makes them all alike) but another thumbprint, left by earlier or
        /// interrupted runs. Returns their thumbprints.
        /// </summary>
        public static async Task<IReadOnlyList<string>> RemoveEarlierRegistrationCertificatesAsync(INodeSession node, X509Certificate2 current, CancellationToken cancellationToken)
        {
            var earlier = new List<string>();
            foreach (var found in await GetCertificatesAsync(node, new[] { @"Cert:\LocalMachine\My\*" }, cancellationToken).ConfigureAwait(false))
            {
                using var certificate = new X509Certificate2(found.RawData);
                if (!string.Equals(found.Thumbprint, current.Thumbprint, StringComparison.OrdinalIgnoreCase)
                    && string.Equals(certificate.Subject, current.Subject, StringComparison.OrdinalIgnoreCase))
                {
                    earlier.Add(found.Thumbprint);
                }
            }

            // Through the Certificate provider, as on any Windows node: no OS command takes a thumbprint to remove.
            foreach (var thumbprint in earlier)
            {
                await Run(node, "Remove-Item", new Dictionary<string, object?> { ["Path"] = $@"Cert:\LocalMachine\My\{thumbprint}" }, cancellationToken).ConfigureAwait(false);
            }

            return earlier;
        }

        /// <summary>The certificates at these Certificate-provider paths (<c>Get-Item</c>, wildcards allowed); a path without a match is "not found", not a failure.</summary>
        private static async Task<IReadOnlyList<NodeCertificate>> GetCertificatesAsync(INodeSession node, string[] paths, CancellationToken cancellationToken)
        {
            var result = await Invoke(node, "Get-Item", new Dictionary<string, object?> { ["Path"] = paths }, cancellationToken).ConfigureAwait(false);
            var errors = result.Errors.Where(e => !IsPathNotFound(e)).ToList();
            if (errors.Count > 0)
            {
                throw new NodeCommandException(node.ComputerName, "Get-Item", errors);
            }

            var found = new List<NodeCertificate>();
            foreach (var json in result.OutputJson)
            {
                using var document = JsonDocument.Parse(json);
                if (document.RootElement.ValueKind == JsonValueKind.Object && ReadCertificate(document.RootElement) is NodeCertificate certificate)
                {
                    found.Add(certificate);
                }
            }

            return found;
        }

        private static bool IsPathNotFound(NodeError error) =>
            error.ErrorId.StartsWith("PathNotFound", StringComparison.OrdinalIgnoreCase) || error.ErrorId.StartsWith("ItemNotFound", StringComparison.OrdinalIgnoreCase);

        /// <summary>The DER (RawData: a JSON array of bytes, or base64) read as a certificate; its own dates and thumbprint count.</summary>
        private static NodeCertificate? ReadCertificate(JsonElement element)
        {
            byte[]? raw = null;
            bool? hasPrivateKey = null;
            string? path = null;
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, "RawData", StringComparison.OrdinalIgnoreCase))
                {
                    raw = property.Value.ValueKind switch
                    {
                        JsonValueKind.Array => property.Value.EnumerateArray().Select(b => b.GetByte()).ToArray(),
                        JsonValueKind.String => Convert.FromBase64String(property.Value.GetString() ?? ""),
                        _ => null,
                    };
                }
                else if (string.Equals(property.Name, "HasPrivateKey", StringComparison.OrdinalIgnoreCase)
                    && (property.Value.ValueKind == JsonValueKind.True || property.Value.ValueKind == JsonValueKind.False))
                {
                    hasPrivateKey = property.Value.GetBoolean();
                }
                else if (string.Equals(property.Name, "PSPath", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
                {
                    path = property.Value.GetString();
                }
            }

            if (raw is null || raw.Length == 0)
            {
                return null;
            }

            using var certificate = new X509Certificate2(raw);
            return new NodeCertificate(certificate.Thumbprint.ToUpperInvariant(), raw,
                new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), hasPrivateKey, path);
        }

        private static readonly IReadOnlyDictionary<string, object?> Empty = new Dictionary<string, object?>();

        /// <summary>
        /// Runs a catalogued command; a parameter the catalogue marks feature-detected is passed only where the node's
        /// command has it (MS 2.x: <c>(Get-Command …).Parameters.ContainsKey('Cloud')</c>).
        /// </summary>
        internal static async Task<NodeCommandResult> Invoke(INodeSession node, string command, IReadOnlyDictionary<string, object?>? parameters, CancellationToken cancellationToken)
        {
            var given = parameters ?? Empty;
            var spec = NodeCommandCatalogue.Get(command);
            var supported = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (var parameter in given)
            {
                if (parameter.Value is null || !spec.FeatureDetected.Contains(parameter.Key, StringComparer.OrdinalIgnoreCase)
                    || await HasParameterAsync(node, command, parameter.Key, cancellationToken).ConfigureAwait(false))
                {
                    supported[parameter.Key] = parameter.Value;
                }
            }

            return await node.InvokeAsync(NodeCommandCatalogue.Invocation(command, supported), cancellationToken).ConfigureAwait(false);
        }

        private static async Task<IReadOnlyList<JsonElement>> Run(INodeSession node, string command, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken)
        {
            var result = await Invoke(node, command, parameters, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                throw new NodeCommandException(node.ComputerName, command, result.Errors);
            }

            return result.OutputJson.Select(json =>
            {
                using var document = JsonDocument.Parse(json);
                return document.RootElement.Clone();
            }).ToList();
        }

        private static JsonElement Single(INodeSession node, string command, IReadOnlyList<JsonElement> output) =>
            output.FirstOrDefault(o => o.ValueKind == JsonValueKind.Object) is { ValueKind: JsonValueKind.Object } found
                ? found
                : throw new NodeCommandException(node.ComputerName, command, new[] { new NodeError("It returned no object.", "InvalidOutput", "InvalidResult") });

        internal static string? String(JsonElement element, string name)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Null => null,
                        _ => property.Value.GetRawText(),
                    };
                }
            }

            return null;
        }

        private static DateTimeOffset? Date(JsonElement element, string name) =>
            DateTimeOffset.TryParse(String(element, name), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var date) ? date : null;
    }
}
