using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Az.StackHCI.Lab.Hosting;

namespace Az.StackHCI.Lab.Control;

/// <summary>
/// Fault switches of the lab nodes (tests/lab/LabNodes.psm1 starts them and lists them in
/// &lt;root&gt;/nodes/nodes.json). <c>PUT /nodes/{cluster}/{node}</c> writes the node's switches.json, which its
/// commands read at every call (latencyMs, noConnectivity, clockSkewSeconds, failCommand, failCount, failDropsSession; the node build
/// noCloudParameter, read when a session starts; Arc: arcEnableSeconds, arcEnableFailures, arcReportDelaySeconds,
/// arcManagedIdentity, periodicSyncSeconds; osBuild, the OS build Get-CimInstance reports; the node's network:
/// <c>proxy</c> { winInet { proxyServer, proxyBypass, perMachine }, winHttp { proxyServer, bypassList }, environment
/// { httpsProxy, httpProxy, noProxy } }, each null when not configured, which its registry and web requests follow, and
/// <c>unresolvableNames</c>, the names its DNS answers NXDOMAIN for), and for <c>down</c> stops
/// the node's sshd with every session it serves, or starts it again; a PUT sets all switches (absent ones go back to
/// their defaults). <c>GET /nodes</c> and <c>GET /nodes/{cluster}/{node}</c> show them; <c>POST /nodes/reset</c>
/// makes every node a fresh one (switches off, no certificates, registration or Arc state).
/// </summary>
internal static class NodeSwitches
{
    private const string Sshd = "/usr/sbin/sshd";
    private const int SigTerm = 15;
    private const int SigKill = 9;

    /// <summary>How long Enable-AzureStackHCIArcIntegration takes by default: installing the agent is never instant.</summary>
    private const int DefaultArcEnableSeconds = 2;

    /// <summary>The node's OS build by default: 20349, Azure Stack HCI 22H2 (Microsoft's cut-off for the default extensions).</summary>
    private const int DefaultOsBuild = 20349;

    public static void Map(WebApplication app, LabContext lab)
    {
        var nodesRoot = Path.Combine(lab.State.Root, "nodes");

        app.MapGet("/nodes", () => Results.Json(new JsonArray(AllNodes(nodesRoot).Select(n => (JsonNode)Describe(n.Cluster, n.Node, n.Dir)).ToArray())));

        // Every node back to a fresh one: switches off (a down node starts), no certificates, registration or Arc
        // state; the nodes' command journal emptied.
        app.MapPost("/nodes/reset", () =>
        {
            var result = new JsonArray();
            foreach (var (cluster, node, dir) in AllNodes(nodesRoot))
            {
                lock (Gate(dir))
                {
                    File.Delete(Path.Combine(dir, "switches.json"));
                    File.Delete(Path.Combine(dir, "certificate.json"));
                    File.Delete(Path.Combine(dir, "arc.json"));
                    var certificates = Path.Combine(dir, "certs");
                    if (Directory.Exists(certificates))
                    {
                        foreach (var file in Directory.GetFiles(certificates))
                        {
                            File.Delete(file);
                        }
                    }

                    if (ListenerPid(dir) is null)
                    {
                        Start(dir);
                    }
                }

                result.Add(Describe(cluster, node, dir));
            }

            foreach (var clusterDir in AllNodes(nodesRoot).Select(n => Path.GetDirectoryName(n.Dir)!).Distinct())
            {
                File.Delete(Path.Combine(clusterDir, "registration.json"));
                File.Delete(Path.Combine(clusterDir, "arc.json"));
            }

            File.Delete(Path.Combine(nodesRoot, "journal"));
            return Results.Json(result);
        });

        app.MapGet("/nodes/{cluster}/{node}", (string cluster, string node) =>
            FindNode(nodesRoot, cluster, node) is string dir ? Results.Json(Describe(cluster, node, dir)) : NotFound(cluster, node));

        app.MapPut("/nodes/{cluster}/{node}", async (string cluster, string node, HttpRequest request) =>
        {
            if (FindNode(nodesRoot, cluster, node) is not string dir)
            {
                return NotFound(cluster, node);
            }

            JsonObject body;
            try
            {
                body = request.ContentLength == 0 ? new JsonObject() : (await JsonNode.ParseAsync(request.Body))?.AsObject() ?? new JsonObject();
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                return Results.Json(new { error = $"The body is not a JSON object: {e.Message}" }, statusCode: 400);
            }

            JsonObject switches;
            try
            {
                switches = new JsonObject
                {
                    ["down"] = body["down"]?.GetValue<bool>() ?? false,
                    ["latencyMs"] = body["latencyMs"]?.GetValue<int>() ?? 0,
                    ["noConnectivity"] = body["noConnectivity"]?.GetValue<bool>() ?? false,
                    ["clockSkewSeconds"] = body["clockSkewSeconds"]?.GetValue<long>() ?? 0,
                    ["failCommand"] = body["failCommand"]?.GetValue<string>(),
                    ["failCount"] = body["failCount"]?.GetValue<int>(),
                    ["failDropsSession"] = body["failDropsSession"]?.GetValue<bool>() ?? false,
                    ["noCloudParameter"] = body["noCloudParameter"]?.GetValue<bool>() ?? false,
                    ["arcEnableSeconds"] = body["arcEnableSeconds"]?.GetValue<int>() ?? DefaultArcEnableSeconds,
                    ["arcEnableFailures"] = body["arcEnableFailures"]?.GetValue<int>(),
                    ["arcReportDelaySeconds"] = body["arcReportDelaySeconds"]?.GetValue<int>() ?? 0,
                    ["arcManagedIdentity"] = body["arcManagedIdentity"]?.GetValue<bool>() ?? false,
                    ["periodicSyncSeconds"] = body["periodicSyncSeconds"]?.GetValue<int>(),
                    ["osBuild"] = body["osBuild"]?.GetValue<int>() ?? DefaultOsBuild,
                    ["proxy"] = ParseProxy(body["proxy"]),
                    ["unresolvableNames"] = ParseNames(body["unresolvableNames"]),
                };
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                return Results.Json(new { error = $"Switches are down (bool), latencyMs (int), noConnectivity (bool), clockSkewSeconds (int), failCommand (string or null), failCount (int or null), failDropsSession (bool), noCloudParameter (bool), arcEnableSeconds (int), arcEnableFailures (int or null), arcReportDelaySeconds (int), arcManagedIdentity (bool), periodicSyncSeconds (int or null), osBuild (int), proxy ({{ winInet: {{ proxyServer, proxyBypass, perMachine }} | null, winHttp: {{ proxyServer, bypassList }} | null, environment: {{ httpsProxy, httpProxy, noProxy }} | null }} or null), unresolvableNames (array of strings): {e.Message}" }, statusCode: 400);
            }

            lock (Gate(dir))
            {
                var file = Path.Combine(dir, "switches.json");
                File.WriteAllText(file + ".tmp", switches.ToJsonString());
                File.Move(file + ".tmp", file, overwrite: true);
                var running = ListenerPid(dir);
                try
                {
                    if (switches["down"]!.GetValue<bool>() && running is int pid)
                    {
                        StopTree(pid);
                        File.Delete(Path.Combine(dir, "sshd.pid"));
                    }
                    else if (!switches["down"]!.GetValue<bool>() && running is null)
                    {
                        Start(dir);
                    }
                }
                catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
                {
                    return Results.Json(new { error = e.Message }, statusCode: 500);
                }
            }

            return Results.Json(Describe(cluster, node, dir));
        });
    }

    /// <summary>
    /// The node's three proxy settings (Azure Local configure-proxy-settings): WinINet (Set-WinInetProxy; perMachine is
    /// -ProxySettingsPerUser 0, default per user), WinHTTP (netsh winhttp set proxy) and the machine's environment
    /// variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY); each null when not configured, absent members too.
    /// </summary>
    private static JsonObject ParseProxy(JsonNode? node)
    {
        var proxy = node?.AsObject();
        Known(proxy, "proxy", "winInet", "winHttp", "environment");
        var winInet = proxy?["winInet"]?.AsObject();
        var winHttp = proxy?["winHttp"]?.AsObject();
        var environment = proxy?["environment"]?.AsObject();
        Known(winInet, "proxy.winInet", "proxyServer", "proxyBypass", "perMachine");
        Known(winHttp, "proxy.winHttp", "proxyServer", "bypassList");
        Known(environment, "proxy.environment", "httpsProxy", "httpProxy", "noProxy");
        return new JsonObject
        {
            ["winInet"] = winInet is null ? null : new JsonObject
            {
                ["proxyServer"] = Required(winInet, "proxy.winInet", "proxyServer"),
                ["proxyBypass"] = winInet["proxyBypass"]?.GetValue<string>(),
                ["perMachine"] = winInet["perMachine"]?.GetValue<bool>() ?? false,
            },
            ["winHttp"] = winHttp is null ? null : new JsonObject
            {
                ["proxyServer"] = Required(winHttp, "proxy.winHttp", "proxyServer"),
                ["bypassList"] = winHttp["bypassList"]?.GetValue<string>(),
            },
            ["environment"] = environment is null ? null : new JsonObject
            {
                ["httpsProxy"] = environment["httpsProxy"]?.GetValue<string>(),
                ["httpProxy"] = environment["httpProxy"]?.GetValue<string>(),
                ["noProxy"] = environment["noProxy"]?.GetValue<string>(),
            },
        };
    }

    private static void Known(JsonObject? value, string what, params string[] names)
    {
        foreach (var member in value ?? new JsonObject())
        {
            if (!names.Contains(member.Key, StringComparer.Ordinal))
            {
                throw new FormatException($"{what} has no member '{member.Key}' (it has {string.Join(", ", names)}).");
            }
        }
    }

    private static string Required(JsonObject value, string what, string name) =>
        value[name]?.GetValue<string>() is { Length: > 0 } text ? text : throw new FormatException($"{what}.{name} is required.");

    /// <summary>The names the node's DNS answers NXDOMAIN for (exact names, any case).</summary>
    private static JsonArray ParseNames(JsonNode? node) =>
        new((node?.AsArray() ?? new JsonArray()).Select(n => (JsonNode?)JsonValue.Create(n?.GetValue<string>() is { Length: > 0 } name ? name : throw new FormatException("unresolvableNames holds names (non-empty strings)."))).ToArray());

    /// <summary>The nodes Start-Lab.ps1 started, from the nodes.json it writes (folders of nodes no longer in the lab do not count).</summary>
    private static IEnumerable<(string Cluster, string Node, string Dir)> AllNodes(string nodesRoot)
    {
        var file = Path.Combine(nodesRoot, "nodes.json");
        if (!File.Exists(file))
        {
            return Array.Empty<(string, string, string)>();
        }

        var layout = JsonNode.Parse(File.ReadAllText(file));
        return (layout?["clusters"]?.AsArray() ?? new JsonArray())
            .SelectMany(c => (c?["nodes"]?.AsArray() ?? new JsonArray()).Select(n => (
                Cluster: c!["name"]!.GetValue<string>(), Node: n!["name"]!.GetValue<string>(), Dir: n["dir"]!.GetValue<string>())))
            .Where(n => File.Exists(Path.Combine(n.Dir, "sshd_config")))
            .ToList();
    }

    private static readonly Dictionary<string, object> Gates = new(StringComparer.Ordinal);

    private static object Gate(string dir)
    {
        lock (Gates)
        {
            return Gates.TryGetValue(dir, out var gate) ? gate : Gates[dir] = new object();
        }
    }

    private static string? FindNode(string nodesRoot, string cluster, string node) =>
        AllNodes(nodesRoot).Where(n => string.Equals(n.Cluster, cluster, StringComparison.OrdinalIgnoreCase) && string.Equals(n.Node, node, StringComparison.OrdinalIgnoreCase))
            .Select(n => n.Dir).FirstOrDefault();

    private static IResult NotFound(string cluster, string node) =>
        Results.Json(new { error = $"There is no lab node '{node}' in cluster '{cluster}'. Start it with tests/lab/Start-Lab.ps1 -Nodes N." }, statusCode: 404);

    private static JsonObject Describe(string cluster, string node, string dir)
    {
        var file = Path.Combine(dir, "switches.json");
        var saved = File.Exists(file) ? JsonNode.Parse(File.ReadAllText(file))?.AsObject() : null;
        var pid = ListenerPid(dir);
        return new JsonObject
        {
            ["cluster"] = cluster,
            ["node"] = node,
            ["down"] = saved?["down"]?.GetValue<bool>() ?? false,
            ["latencyMs"] = saved?["latencyMs"]?.GetValue<int>() ?? 0,
            ["noConnectivity"] = saved?["noConnectivity"]?.GetValue<bool>() ?? false,
            ["clockSkewSeconds"] = saved?["clockSkewSeconds"]?.GetValue<long>() ?? 0,
            ["failCommand"] = saved?["failCommand"]?.GetValue<string>(),
            ["failCount"] = saved?["failCount"]?.GetValue<int>(),
            ["failDropsSession"] = saved?["failDropsSession"]?.GetValue<bool>() ?? false,
            ["noCloudParameter"] = saved?["noCloudParameter"]?.GetValue<bool>() ?? false,
            ["arcEnableSeconds"] = saved?["arcEnableSeconds"]?.GetValue<int>() ?? DefaultArcEnableSeconds,
            ["arcEnableFailures"] = saved?["arcEnableFailures"]?.GetValue<int>(),
            ["arcReportDelaySeconds"] = saved?["arcReportDelaySeconds"]?.GetValue<int>() ?? 0,
            ["arcManagedIdentity"] = saved?["arcManagedIdentity"]?.GetValue<bool>() ?? false,
            ["periodicSyncSeconds"] = saved?["periodicSyncSeconds"]?.GetValue<int>(),
            ["osBuild"] = saved?["osBuild"]?.GetValue<int>() ?? DefaultOsBuild,
            ["proxy"] = saved?["proxy"]?.DeepClone() ?? ParseProxy(null),
            ["unresolvableNames"] = saved?["unresolvableNames"]?.DeepClone() ?? new JsonArray(),
            ["running"] = pid is not null,
            ["pid"] = pid,
        };
    }

    /// <summary>The node's listening sshd, if its pid file names a live sshd started with this node's configuration.</summary>
    private static int? ListenerPid(string dir)
    {
        var pidFile = Path.Combine(dir, "sshd.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
        {
            return null;
        }

        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            return commandLine.Contains(Path.Combine(dir, "sshd_config"), StringComparison.Ordinal) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void Start(string dir)
    {
        Directory.CreateDirectory("/run/sshd");
        // Not redirected: the daemonised sshd must not hold a pipe of ours open.
        var start = new ProcessStartInfo(Sshd) { UseShellExecute = false };
        start.ArgumentList.Add("-f");
        start.ArgumentList.Add(Path.Combine(dir, "sshd_config"));
        start.ArgumentList.Add("-E");
        start.ArgumentList.Add(Path.Combine(dir, "sshd.log"));
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Sshd} did not start.");
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The node's sshd did not start ({process.ExitCode}); see {Path.Combine(dir, "sshd.log")}.");
        }

        // sshd daemonises at once; the pid file follows a moment later.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (ListenerPid(dir) is null)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The node's sshd wrote no pid file within 5 seconds; see {Path.Combine(dir, "sshd.log")}.");
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>The listener first, then its connections and their pwsh processes: SIGTERM, then SIGKILL after 3 s.</summary>
    private static void StopTree(int pid)
    {
        var tree = Descendants(pid);
        foreach (var id in tree)
        {
            Signal(id, SigTerm);
        }

        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (DateTime.UtcNow < deadline && tree.Any(Alive))
        {
            Thread.Sleep(50);
        }

        foreach (var id in tree.Where(Alive))
        {
            Signal(id, SigKill);
        }
    }

    /// <summary>Running: a zombie waiting for its parent to reap it is not.</summary>
    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static List<int> Descendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var id))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(entry, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                (children.TryGetValue(parent, out var list) ? list : children[parent] = new List<int>()).Add(id);
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
            {
            }
        }

        var result = new List<int>();
        var queue = new Queue<int>(root > 1 ? new[] { root } : Array.Empty<int>());
        while (queue.TryDequeue(out var current))
        {
            result.Add(current);
            foreach (var child in children.GetValueOrDefault(current) ?? new List<int>())
            {
                queue.Enqueue(child);
            }
        }

        return result;
    }

    private static void Signal(int pid, int signal) => _ = Kill(pid, signal);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
