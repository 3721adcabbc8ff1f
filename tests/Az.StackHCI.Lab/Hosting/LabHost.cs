using System.Text.Json.Nodes;
using Az.StackHCI.Lab.State;
using Az.StackHCI.Lab.Tokens;

namespace Az.StackHCI.Lab.Hosting;

/// <summary>Starts every service of the lab, writes lab.json once all listen, and runs until stopped.</summary>
internal static class LabHost
{
    public const string EnvironmentName = "AzStackHCILab";

    public static async Task<int> RunAsync(string root, string? faultFile, CancellationToken stop)
    {
        Directory.CreateDirectory(root);
        var certificates = LabCertificates.LoadOrCreate(root);
        var state = new LabState(root);
        var lab = new LabContext(state, new TokenService(root), new RequestJournal(Path.Combine(root, "journal.jsonl")), new FaultInjector(), new FederationIssuer(root));
        lab.Journal.Clear();
        if (faultFile is not null)
        {
            lab.Faults.Load(JsonNode.Parse(File.ReadAllText(faultFile)));
        }

        // Disposed last, after the services stopped.
        await using var proxies = Proxy.LabProxies.Start(root, certificates, lab.Journal);

        var services = new (string Name, Action<WebApplication> Map)[]
        {
            (ServiceNames.Authority, app => Authority.AuthorityEndpoints.Map(app, lab)),
            (ServiceNames.Arm, app => Arm.ArmEndpoints.Map(app, lab)),
            (ServiceNames.Graph, app => Graph.GraphEndpoints.Map(app, lab)),
            (ServiceNames.Hci, app => Hci.HciEndpoints.Map(app, lab)),
            (ServiceNames.Control, app =>
            {
                Control.ControlEndpoints.Map(app, lab);
                Control.ControlEndpoints.MapProxies(app, proxies);
            }),
        };
        var apps = new List<WebApplication>();
        foreach (var (name, map) in services)
        {
            var app = ServiceHost.Build(name, lab, certificates, map);
            await app.StartAsync(stop);
            lab.Endpoints[name] = new Uri(app.Urls.Single().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
            apps.Add(app);
        }

        // The seed's federated identity credential names the lab issuer, whose URL is known now: seed again with it.
        lock (state.Sync)
        {
            state.FederationIssuer = FederationIssuer.IssuerFor(lab.Authority);
            state.Reset();
        }

        var federatedTokenFile = WriteFederatedTokenFile(root, lab);
        WriteConnectionFile(root, lab, certificates, federatedTokenFile, proxies);
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
        }

        foreach (var app in apps)
        {
            await app.StopAsync(CancellationToken.None);
        }

        return 0;
    }

    /// <summary>Lifetime of the federated token file: longer than a CI run (GitHub's own last minutes; refresh by the control API).</summary>
    public const int FederatedTokenFileLifetimeSeconds = 6 * 3600;

    /// <summary>
    /// A federated token for the ci application's credential, in a file as a CI system (or AKS) hands one to
    /// WorkloadIdentityCredential (AZURE_FEDERATED_TOKEN_FILE).
    /// </summary>
    private static string WriteFederatedTokenFile(string root, LabContext lab)
    {
        var path = Path.Combine(root, "ci-federated-token.jwt");
        var token = lab.Federation.Issue(lab.State.FederationIssuer, LabIds.CiFederatedSubject, LabIds.TokenExchangeAudience,
            lab.State.Now, FederatedTokenFileLifetimeSeconds, 0);
        File.WriteAllText(path, token);
        return path;
    }

    private static void WriteConnectionFile(string root, LabContext lab, LabCertificates certificates, string federatedTokenFile, Proxy.LabProxies proxies)
    {
        var state = lab.State;
        var users = new JsonObject();
        foreach (var name in new[] { "admin", "operator", "registrar", "contributor", "reader" })
        {
            var user = state.FindUser(name)!;
            users[name] = new JsonObject { ["userName"] = user.UserPrincipalName, ["objectId"] = user.Id };
        }

        // The B2B guest signs in with its home account; objectId is its object id in the lab tenant.
        var guest = state.FindUser("guest")!;
        users["guest"] = new JsonObject
        {
            ["userName"] = guest.SignInName, ["objectId"] = guest.Id, ["homeTenantId"] = guest.HomeTenantId,
            ["homeObjectId"] = guest.HomeObjectId, ["userPrincipalName"] = guest.UserPrincipalName,
        };

        var connection = new JsonObject
        {
            ["environmentName"] = EnvironmentName,
            ["resourceManagerEndpoint"] = lab.Arm.AbsoluteUri,
            ["authorityEndpoint"] = lab.Authority.AbsoluteUri,
            ["graphEndpoint"] = lab.Graph.AbsoluteUri,
            ["hciServiceEndpoint"] = lab.Hci.AbsoluteUri,
            ["controlEndpoint"] = lab.Endpoints[ServiceNames.Control].AbsoluteUri,
            ["caBundle"] = certificates.BundlePath,
            ["caCertificate"] = certificates.CaPath,
            ["journal"] = lab.Journal.Path,
            ["tenantId"] = state.TenantId,
            ["subscriptionId"] = state.Subscription.SubscriptionId,
            ["users"] = users,
            ["servicePrincipals"] = new JsonObject
            {
                ["ci"] = new JsonObject { ["appId"] = LabIds.CiAppId, ["objectId"] = LabIds.CiSpId, ["secret"] = state.CiSecret },
                ["ciCertificate"] = new JsonObject { ["appId"] = LabIds.CiCertAppId, ["objectId"] = LabIds.CiCertSpId, ["certificatePath"] = state.CiCertificatePath },
                ["ciFederated"] = new JsonObject
                {
                    ["appId"] = LabIds.CiAppId, ["objectId"] = LabIds.CiSpId, ["tokenFile"] = federatedTokenFile,
                    ["issuer"] = state.FederationIssuer, ["subject"] = LabIds.CiFederatedSubject, ["audience"] = LabIds.TokenExchangeAudience,
                },
            },
            ["clusters"] = new JsonArray(),
            ["proxies"] = proxies.ToJson(),
            ["pid"] = Environment.ProcessId,
            ["root"] = root,
        };
        var path = Path.Combine(root, "lab.json");
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, connection.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        File.Move(temporary, path, overwrite: true);
    }
}
