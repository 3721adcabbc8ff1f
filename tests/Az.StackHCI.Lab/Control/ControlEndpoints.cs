using System.Text.Json.Nodes;
using Az.StackHCI.Lab.Hosting;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Control;

/// <summary>The control API tests drive the lab with (loopback only, JSON in and out; see docs/lab.md).</summary>
internal static class ControlEndpoints
{
    public static void Map(WebApplication app, LabContext lab)
    {
        var state = lab.State;

        app.MapPost("/reset", () =>
        {
            lock (state.Sync)
            {
                state.Reset();
            }

            lab.Faults.Clear();
            lab.Journal.Clear();
            return Results.Json(new { reset = true });
        });

        app.MapGet("/state", () =>
        {
            lock (state.Sync)
            {
                var snapshot = state.Snapshot();
                snapshot["faults"] = System.Text.Json.JsonSerializer.SerializeToNode(lab.Faults.Rules, LabState.JsonOptions);
                return Results.Json(snapshot);
            }
        });

        app.MapPost("/devicecode/approve", (JsonObject body) =>
        {
            var userCode = body["userCode"]?.GetValue<string>() ?? "";
            var userName = body["user"]?.GetValue<string>() ?? "admin";
            lock (state.Sync)
            {
                var grant = state.DeviceCodes.Values.FirstOrDefault(d => string.Equals(d.UserCode, userCode, StringComparison.OrdinalIgnoreCase));
                if (grant is null)
                {
                    return Problem(404, $"No device code sign-in is waiting with user code '{userCode}'.");
                }

                if (state.FindUser(userName) is not { } user)
                {
                    return Problem(400, $"There is no user '{userName}'.");
                }

                grant.ApprovedUser = user.UserPrincipalName;
                return Results.Json(new { userCode = grant.UserCode, user = user.UserPrincipalName });
            }
        });

        app.MapPut("/devicecode/autoapprove", (JsonObject body) =>
        {
            lock (state.Sync)
            {
                var user = body["user"]?.GetValue<string>();
                if (user is not null && state.FindUser(user) is null)
                {
                    return Problem(400, $"There is no user '{user}'.");
                }

                state.Settings.AutoApproveUser = user;
                state.Settings.AutoApproveDelayMs = body["delayMs"]?.GetValue<int>() ?? 0;
                return Results.Json(new { user, delayMs = state.Settings.AutoApproveDelayMs });
            }
        });

        // A token of the lab's federation issuer (workload identity federation), by default one the seeded federated
        // identity credential of the ci application accepts; every field can be changed to make one it refuses.
        app.MapPost("/federation/tokens", (JsonObject? body) =>
        {
            body ??= new JsonObject();
            try
            {
                var lifetime = body["lifetimeSeconds"]?.GetValue<int>() ?? 600;
                var notBefore = body["notBeforeOffsetSeconds"]?.GetValue<int>() ?? 0;
                string issuer, token;
                lock (state.Sync)
                {
                    issuer = body["issuer"]?.GetValue<string>() ?? state.FederationIssuer;
                    token = lab.Federation.Issue(issuer, body["subject"]?.GetValue<string>() ?? LabIds.CiFederatedSubject,
                        body["audience"]?.GetValue<string>() ?? LabIds.TokenExchangeAudience, state.Now, lifetime, notBefore);
                }

                return Results.Json(new { token });
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                return Problem(400, $"A federation token takes subject, audience, issuer (string), lifetimeSeconds and notBeforeOffsetSeconds (int): {e.Message}");
            }
        });

        app.MapGet("/faults", () => Results.Json(lab.Faults.Rules, LabState.JsonOptions));
        app.MapPut("/faults", async (HttpRequest request) =>
        {
            lab.Faults.Load(await JsonNode.ParseAsync(request.Body));
            return Results.Json(lab.Faults.Rules, LabState.JsonOptions);
        });
        app.MapDelete("/faults", () =>
        {
            lab.Faults.Clear();
            return Results.Json(Array.Empty<object>());
        });

        // Directory replication: how long new objects stay unknown to sign-in and ARM (delayMs) and to Graph by id and in
        // lists (graphNotFoundMs), and a new tenant's missing Azure Stack HCI service principal for the next
        // hciServicePrincipalAbsentMs. Absent fields keep their value; POST /reset makes all 0.
        app.MapPut("/replication", (JsonObject body) =>
        {
            lock (state.Sync)
            {
                var settings = state.Settings;
                try
                {
                    var delay = body["delayMs"]?.GetValue<int>() ?? settings.ReplicationDelayMs;
                    var graph = body["graphNotFoundMs"]?.GetValue<int>() ?? settings.GraphNotFoundMs;
                    var absent = body["hciServicePrincipalAbsentMs"]?.GetValue<int>();
                    if (delay < 0 || graph < 0 || absent < 0)
                    {
                        return Problem(400, "Replication delays cannot be negative.");
                    }

                    settings.ReplicationDelayMs = delay;
                    settings.GraphNotFoundMs = graph;
                    if (absent is int ms)
                    {
                        settings.HciServicePrincipalAbsentUntil = ms == 0 ? null : state.Now.AddMilliseconds(ms);
                    }
                }
                catch (Exception e) when (e is FormatException or InvalidOperationException)
                {
                    return Problem(400, $"The replication settings are delayMs, graphNotFoundMs and hciServicePrincipalAbsentMs (int): {e.Message}");
                }

                return Results.Json(new
                {
                    delayMs = settings.ReplicationDelayMs,
                    graphNotFoundMs = settings.GraphNotFoundMs,
                    hciServicePrincipalAbsentUntil = state.HciServicePrincipalAbsent ? settings.HciServicePrincipalAbsentUntil : null,
                });
            }
        });

        // Tenant settings of the directory (Graph): who may register applications, and Graph's page size.
        app.MapPut("/directory", (JsonObject body) =>
        {
            lock (state.Sync)
            {
                var settings = state.Settings;
                settings.UsersCanRegisterApplications = body["usersCanRegisterApplications"]?.GetValue<bool>() ?? settings.UsersCanRegisterApplications;
                settings.GraphPageSize = Math.Clamp(body["graphPageSize"]?.GetValue<int>() ?? settings.GraphPageSize, 1, 999);
                return Results.Json(new { usersCanRegisterApplications = settings.UsersCanRegisterApplications, graphPageSize = settings.GraphPageSize });
            }
        });

        app.MapPut("/providers", (JsonObject body) =>
        {
            lock (state.Sync)
            {
                state.Settings.ProviderRegistrationDelayMs = body["registrationDelayMs"]?.GetValue<int>() ?? 0;
                return Results.Json(new { registrationDelayMs = state.Settings.ProviderRegistrationDelayMs });
            }
        });

        // The Azure Stack HCI resource provider's behaviour: with or without the service-managed identity (a custom
        // cloud's older provider), and how long initializeDisableProcess runs. Absent fields keep their value.
        app.MapPut("/hci-provider", (JsonObject body) =>
        {
            lock (state.Sync)
            {
                var settings = state.Settings;
                try
                {
                    var managed = body["serviceManagedIdentity"]?.GetValue<bool>() ?? settings.ServiceManagedIdentity;
                    var disableMs = body["arcDisableMs"]?.GetValue<int>() ?? settings.ArcDisableMs;
                    var endpoint = body["serviceEndpoint"]?.GetValue<bool>() ?? settings.ServiceEndpoint;
                    if (disableMs < 0)
                    {
                        return Problem(400, "'arcDisableMs' cannot be negative.");
                    }

                    settings.ServiceManagedIdentity = managed;
                    settings.ArcDisableMs = disableMs;
                    settings.ServiceEndpoint = endpoint;
                }
                catch (Exception e) when (e is FormatException or InvalidOperationException)
                {
                    return Problem(400, $"The HCI provider settings are serviceManagedIdentity (bool), arcDisableMs (int) and serviceEndpoint (bool): {e.Message}");
                }

                return Results.Json(new { serviceManagedIdentity = settings.ServiceManagedIdentity, arcDisableMs = settings.ArcDisableMs, serviceEndpoint = settings.ServiceEndpoint });
            }
        });

        app.MapPut("/async-operations", (List<AsyncOperationRule> rules) =>
        {
            lock (state.Sync)
            {
                state.Settings.AsyncOperations = rules;
                return Results.Json(rules, LabState.JsonOptions);
            }
        });

        app.MapPost("/users", (JsonObject body) =>
        {
            var name = body["name"]?.GetValue<string>();
            if (string.IsNullOrWhiteSpace(name))
            {
                return Problem(400, "A user needs a 'name'.");
            }

            lock (state.Sync)
            {
                if (state.FindUser(name) is not null)
                {
                    return Problem(409, $"The user '{name}' exists already.");
                }

                var user = new LabUser
                {
                    Id = body["objectId"]?.GetValue<string>() ?? state.NewId(),
                    UserPrincipalName = $"{name}@{LabIds.TenantDomain}",
                    DisplayName = body["displayName"]?.GetValue<string>() ?? name,
                    DirectoryRoles = body["directoryRoles"]?.AsArray().Select(r => r!.GetValue<string>()).ToList() ?? new List<string>(),
                    ReplicatedAt = state.ReplicatedAtForNewObject(),
                };
                state.Users[name] = user;
                return Results.Json(new { userName = user.UserPrincipalName, objectId = user.Id });
            }
        });

        // An application with its service principal and credentials, for tests that need one the seed lacks
        // (expired keys, secrets, a principal still replicating).
        app.MapPost("/applications", (JsonObject body) =>
        {
            lock (state.Sync)
            {
                var now = state.Now;
                var application = new LabApplication
                {
                    Id = state.NewId(),
                    AppId = body["appId"]?.GetValue<string>() ?? state.NewId(),
                    DisplayName = body["displayName"]?.GetValue<string>() ?? "Lab test application",
                    CreatedDateTime = now,
                    ReplicatedAt = state.ReplicatedAtForNewObject(),
                    GraphVisibleAt = state.GraphVisibleAtForNewObject(),
                };
                foreach (var key in body["keyCredentials"]?.AsArray() ?? new JsonArray())
                {
                    var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(Convert.FromBase64String(key!["key"]!.GetValue<string>()));
                    application.KeyCredentials.Add(new LabKeyCredential
                    {
                        KeyId = state.NewId(),
                        DisplayName = certificate.Subject,
                        Key = key["key"]!.GetValue<string>(),
                        CustomKeyIdentifier = Convert.ToBase64String(certificate.GetCertHash()),
                        StartDateTime = key["startDateTime"]?.GetValue<DateTimeOffset>() ?? certificate.NotBefore.ToUniversalTime(),
                        EndDateTime = key["endDateTime"]?.GetValue<DateTimeOffset>() ?? certificate.NotAfter.ToUniversalTime(),
                    });
                }

                foreach (var secret in body["passwordCredentials"]?.AsArray() ?? new JsonArray())
                {
                    application.PasswordCredentials.Add(new LabPasswordCredential
                    {
                        KeyId = state.NewId(),
                        SecretText = secret!["secretText"]!.GetValue<string>(),
                        StartDateTime = secret["startDateTime"]?.GetValue<DateTimeOffset>() ?? now,
                        EndDateTime = secret["endDateTime"]?.GetValue<DateTimeOffset>() ?? now.AddYears(1),
                    });
                }

                var servicePrincipal = new LabServicePrincipal
                {
                    Id = state.NewId(), AppId = application.AppId, DisplayName = application.DisplayName,
                    AppOwnerOrganizationId = state.TenantId, ReplicatedAt = application.ReplicatedAt, GraphVisibleAt = application.GraphVisibleAt,
                };
                state.Applications.Add(application);
                state.ServicePrincipals.Add(servicePrincipal);
                return Results.Json(new { appId = application.AppId, objectId = application.Id, servicePrincipalId = servicePrincipal.Id });
            }
        });

        app.MapPost("/roleAssignments", (JsonObject body) =>
        {
            lock (state.Sync)
            {
                var principal = body["principalId"]?.GetValue<string>()
                    ?? (body["user"]?.GetValue<string>() is string userName ? state.FindUser(userName)?.Id : null);
                var roleText = body["roleDefinitionId"]?.GetValue<string>() ?? body["roleName"]?.GetValue<string>() ?? "";
                var role = state.RoleDefinitions.FirstOrDefault(r => roleText.EndsWith(r.Id, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(r.RoleName, roleText, StringComparison.OrdinalIgnoreCase));
                if (principal is null || role is null)
                {
                    return Problem(400, "A role assignment needs an existing principal (principalId or user) and role (roleDefinitionId or roleName).");
                }

                var assignment = new LabRoleAssignment
                {
                    Name = state.NewId(),
                    Scope = body["scope"]?.GetValue<string>() ?? "/subscriptions/" + LabIds.SubscriptionId,
                    RoleDefinitionId = role.Id,
                    PrincipalId = principal,
                    PrincipalType = state.FindPrincipal(principal, requireReplicated: false)?.Type ?? "User",
                    CreatedOn = state.Now,
                };
                state.RoleAssignments.Add(assignment);
                return Results.Json(assignment, LabState.JsonOptions);
            }
        });

        NodeSwitches.Map(app, lab);
    }

    /// <summary>GET /proxies: lab.json's proxies and each one's request count.</summary>
    public static void MapProxies(WebApplication app, Proxy.LabProxies proxies) =>
        app.MapGet("/proxies", () => Results.Json(proxies.Status()));

    private static IResult Problem(int status, string message) => Results.Json(new { error = message }, statusCode: status);
}
