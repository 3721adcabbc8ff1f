using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Graph;

/// <summary>
/// /applications (wire protocols §4.2): create, read by id or appId, list, update, delete, and the credential
/// actions addPassword, removePassword, addKey, removeKey, and the owners. An application created moments ago is not
/// found yet (404 by id or appId, absent from lists) while the directory replicates (graphNotFoundMs).
/// </summary>
internal static class ApplicationsEndpoints
{
    private static readonly string[] SignInAudiences = { "AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount" };

    private static readonly IReadOnlySet<string> Filterable = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "id", "appId", "displayName", "signInAudience", "publisherDomain", "createdDateTime",
    };

    // Properties the lab models; everything in Graph's defaults is kept as sent.
    private static readonly IReadOnlySet<string> Modelled = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "displayName", "signInAudience", "requiredResourceAccess", "keyCredentials", "passwordCredentials", "appRoles", "isFallbackPublicClient",
    };

    // Read-only properties clients may echo back; Graph ignores them on input.
    private static readonly IReadOnlySet<string> ReadOnly = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "id", "appId", "createdDateTime", "deletedDateTime", "publisherDomain", "disabledByMicrosoftStatus", "verifiedPublisher",
    };

    private static readonly IReadOnlySet<string> Writable = Modelled.Concat(GraphJson.ApplicationDefaults().Select(p => p.Key)).Concat(ReadOnly)
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    public static IReadOnlySet<string> Properties { get; } = GraphJson.Properties(GraphJson.Application(new LabApplication(), false));

    public static GraphResult Handle(GraphRequest request, string? id, string? appId, IReadOnlyList<string> rest)
    {
        var state = request.State;
        if (id is null && appId is null)
        {
            return request.Method switch
            {
                "GET" => List(request),
                "POST" => Create(request),
                _ => throw GraphException.MethodNotAllowed(),
            };
        }

        var app = (appId is not null ? state.FindApplicationByAppId(appId) : state.Applications.FirstOrDefault(a => string.Equals(a.Id, id, StringComparison.OrdinalIgnoreCase)))
            is { } found && state.InGraph(found) ? found : throw GraphException.NotFound(appId ?? id!);
        if (rest.Count == 0)
        {
            return request.Method switch
            {
                "GET" => Get(request, app),
                "PATCH" => Update(request, app),
                "DELETE" => Delete(request, app),
                _ => throw GraphException.MethodNotAllowed(),
            };
        }

        if (rest.Count > 1)
        {
            throw GraphException.UnknownSegment(rest[1]);
        }

        if (rest[0] == "owners")
        {
            return OwnersEndpoint.Handle(request, app.Owners);
        }

        if (rest[0] == "federatedIdentityCredentials")
        {
            return FederatedIdentityCredentials(request, app);
        }

        var action = rest[0].StartsWith("microsoft.graph.", StringComparison.OrdinalIgnoreCase) ? rest[0]["microsoft.graph.".Length..] : rest[0];
        if (request.Method != "POST" && action is "addPassword" or "removePassword" or "addKey" or "removeKey")
        {
            throw GraphException.MethodNotAllowed();
        }

        return action switch
        {
            "addPassword" => AddPassword(request, app),
            "removePassword" => RemovePassword(request, app),
            "addKey" => AddKey(request, app),
            "removeKey" => RemoveKey(request, app),
            _ => throw GraphException.UnknownSegment(rest[0]),
        };
    }

    private static GraphResult List(GraphRequest request)
    {
        GraphPermissions.RequireRead(request);
        var items = request.State.Applications.Where(request.State.InGraph).Select(a => GraphJson.Application(a, false));
        return GraphResult.Ok(request.Query.Collection(request, "applications", GraphJson.ApplicationType, items, Filterable, Properties, request.State.Settings.GraphPageSize));
    }

    private static GraphResult Get(GraphRequest request, LabApplication app)
    {
        GraphPermissions.RequireRead(request);
        request.Query.CheckSelect(Properties, GraphJson.ApplicationType);

        // Graph shows a key credential's key only to a single-object read that selects keyCredentials.
        var json = request.Query.Project(GraphJson.Application(app, withKeys: request.Query.Selects("keyCredentials")));
        return GraphResult.Ok(WithContext(request, "applications", json));
    }

    private static GraphResult Create(GraphRequest request)
    {
        GraphPermissions.RequireCreateApplication(request);
        var body = request.RequireBody();
        GraphInput.RequireKnown(body, Writable, GraphJson.ApplicationType);
        var state = request.State;
        var displayName = GraphInput.String(body, "displayName");
        if (string.IsNullOrWhiteSpace(displayName))
        {
            throw GraphException.BadRequest("Property 'displayName' is required: an application needs a display name.");
        }

        var app = new LabApplication
        {
            Id = state.NewId(),
            AppId = state.NewId(),
            CreatedDateTime = state.Now,
            ReplicatedAt = state.ReplicatedAtForNewObject(),
            GraphVisibleAt = state.GraphVisibleAtForNewObject(),
            Owners = { request.Caller.ObjectId },
        };
        Apply(request, app, body);

        // Secrets sent with a new application are made by the service: secretText is returned in this response only.
        var secrets = new List<(LabPasswordCredential Credential, string SecretText)>();
        foreach (var item in GraphInput.Objects(GraphInput.Array(body, "passwordCredentials") ?? new JsonArray(), "passwordCredentials"))
        {
            secrets.Add(NewPassword(state, item));
        }

        app.PasswordCredentials = secrets.Select(s => s.Credential).ToList();
        state.Applications.Add(app);
        var json = GraphJson.Application(app, false);
        json["passwordCredentials"] = new JsonArray(secrets.Select(s => (JsonNode)GraphJson.PasswordCredential(s.Credential, s.SecretText)).ToArray());
        return GraphResult.Created(WithContext(request, "applications", json));
    }

    private static GraphResult Update(GraphRequest request, LabApplication app)
    {
        GraphPermissions.RequireManageApplication(request, app);
        var body = request.RequireBody();
        GraphInput.RequireKnown(body, Writable, GraphJson.ApplicationType);
        if (GraphInput.Array(body, "passwordCredentials") is JsonArray passwords)
        {
            // Graph no longer takes secrets through PATCH; a patch may only keep or drop existing ones.
            var kept = new List<LabPasswordCredential>();
            foreach (var item in GraphInput.Objects(passwords, "passwordCredentials"))
            {
                var keyId = GraphInput.Guid(item, "keyId");
                kept.Add(app.PasswordCredentials.FirstOrDefault(p => string.Equals(p.KeyId, keyId, StringComparison.OrdinalIgnoreCase))
                    ?? throw GraphException.BadRequest("New password credentials cannot be added with an update of the application: use addPassword, which returns the generated secret."));
            }

            app.PasswordCredentials = kept;
        }

        Apply(request, app, body);
        return GraphResult.NoContent;
    }

    private static GraphResult Delete(GraphRequest request, LabApplication app)
    {
        GraphPermissions.RequireManageApplication(request, app);
        var state = request.State;
        state.Applications.Remove(app);

        // Deleting an application in its home tenant deletes its service principal there too (Entra ID docs).
        if (state.FindServicePrincipalByAppId(app.AppId) is { } servicePrincipal)
        {
            ServicePrincipalsEndpoints.Remove(state, servicePrincipal);
        }

        return GraphResult.NoContent;
    }

    private static GraphResult AddPassword(GraphRequest request, LabApplication app)
    {
        GraphPermissions.RequireManageApplication(request, app);
        var body = request.Body ?? new JsonObject();
        var (credential, secretText) = NewPassword(request.State, GraphInput.Object(body, "passwordCredential") ?? new JsonObject());
        app.PasswordCredentials.Add(credential);
        return GraphResult.Ok(WithContext(request, "microsoft.graph.passwordCredential", GraphJson.PasswordCredential(credential, secretText), entity: false));
    }

    private static GraphResult RemovePassword(GraphRequest request, LabApplication app)
    {
        GraphPermissions.RequireManageApplication(request, app);
        var keyId = GraphInput.Guid(request.RequireBody(), "keyId") ?? throw GraphException.BadRequest("Property 'keyId' is required.");
        var credential = app.PasswordCredentials.FirstOrDefault(p => string.Equals(p.KeyId, keyId, StringComparison.OrdinalIgnoreCase))
            ?? throw GraphException.BadRequest($"No password credential with keyId '{keyId}' exists on the application.");
        app.PasswordCredentials.Remove(credential);
        return GraphResult.NoContent;
    }

    private static GraphResult AddKey(GraphRequest request, LabApplication app)
    {
        // An application may roll its own keys with nothing but the proof; others need the usual rights.
        if (!(request.Caller.IsApp && string.Equals(request.Caller.Token.AppId, app.AppId, StringComparison.OrdinalIgnoreCase)))
        {
            GraphPermissions.RequireManageApplication(request, app);
        }

        var body = request.RequireBody();
        var input = GraphInput.Object(body, "keyCredential") ?? throw GraphException.BadRequest("Property 'keyCredential' is required.");
        KeyCredentials.RequireProof(app, GraphInput.String(body, "proof"), request.State.Now);
        var credential = KeyCredentials.Add(request.State, app, input);
        app.KeyCredentials.Add(credential);
        return GraphResult.Ok(WithContext(request, "microsoft.graph.keyCredential", GraphJson.KeyCredential(credential, false), entity: false));
    }

    private static GraphResult RemoveKey(GraphRequest request, LabApplication app)
    {
        if (!(request.Caller.IsApp && string.Equals(request.Caller.Token.AppId, app.AppId, StringComparison.OrdinalIgnoreCase)))
        {
            GraphPermissions.RequireManageApplication(request, app);
        }

        var body = request.RequireBody();
        var keyId = GraphInput.Guid(body, "keyId") ?? throw GraphException.BadRequest("Property 'keyId' is required.");
        KeyCredentials.RequireProof(app, GraphInput.String(body, "proof"), request.State.Now);
        var credential = app.KeyCredentials.FirstOrDefault(k => string.Equals(k.KeyId, keyId, StringComparison.OrdinalIgnoreCase))
            ?? throw GraphException.BadRequest($"No key credential with keyId '{keyId}' exists on the application.");
        app.KeyCredentials.Remove(credential);
        return GraphResult.NoContent;
    }

    /// <summary>Sets what the body names (create and update share it); validates before changing anything.</summary>
    private static void Apply(GraphRequest request, LabApplication app, JsonObject body)
    {
        var state = request.State;
        var displayName = GraphInput.String(body, "displayName");
        if (body.ContainsKey("displayName") && string.IsNullOrWhiteSpace(displayName))
        {
            throw GraphException.BadRequest("Property 'displayName' cannot be empty.");
        }

        var audience = GraphInput.String(body, "signInAudience");
        if (audience is not null && !SignInAudiences.Contains(audience))
        {
            throw GraphException.BadRequest($"Invalid value specified for property 'signInAudience' of resource 'Application': '{audience}'.");
        }

        var access = GraphInput.Array(body, "requiredResourceAccess") is JsonArray a ? RequiredResourceAccess(a) : null;
        var keys = GraphInput.Array(body, "keyCredentials") is JsonArray k ? KeyCredentials.Replace(state, app.KeyCredentials, k) : null;
        var roles = GraphInput.Array(body, "appRoles") is JsonArray r ? AppRoles(r) : null;
        var publicClient = GraphInput.Bool(body, "isFallbackPublicClient");

        app.DisplayName = displayName ?? app.DisplayName;
        app.SignInAudience = audience ?? app.SignInAudience;
        app.RequiredResourceAccess = access ?? app.RequiredResourceAccess;
        app.KeyCredentials = keys ?? app.KeyCredentials;
        app.IsPublicClient = publicClient ?? app.IsPublicClient;
        if (roles is not null)
        {
            app.AppRoles = roles;

            // The home tenant's service principal carries the application's roles.
            if (state.FindServicePrincipalByAppId(app.AppId) is { } servicePrincipal)
            {
                servicePrincipal.AppRoles = roles;
            }
        }

        foreach (var (name, value) in body)
        {
            if (!name.Contains('@') && !Modelled.Contains(name) && !ReadOnly.Contains(name))
            {
                app.OtherProperties[name] = value?.DeepClone();
            }
        }
    }

    private static JsonArray RequiredResourceAccess(JsonArray input)
    {
        var result = new JsonArray();
        foreach (var item in GraphInput.Objects(input, "requiredResourceAccess"))
        {
            var resourceAppId = GraphInput.Guid(item, "resourceAppId") ?? throw GraphException.BadRequest("requiredResourceAccess needs 'resourceAppId'.");
            var access = new JsonArray();
            foreach (var entry in GraphInput.Objects(GraphInput.Array(item, "resourceAccess") ?? new JsonArray(), "resourceAccess"))
            {
                var id = GraphInput.Guid(entry, "id") ?? throw GraphException.BadRequest("resourceAccess needs 'id'.");
                var type = GraphInput.String(entry, "type");
                if (type is not ("Role" or "Scope"))
                {
                    throw GraphException.BadRequest($"Invalid value specified for property 'type' of resource 'ResourceAccess': '{type}'.");
                }

                access.Add(new JsonObject { ["id"] = id, ["type"] = type });
            }

            result.Add(new JsonObject { ["resourceAppId"] = resourceAppId, ["resourceAccess"] = access });
        }

        return result;
    }

    private static List<LabAppRole> AppRoles(JsonArray input)
    {
        var roles = new List<LabAppRole>();
        foreach (var item in GraphInput.Objects(input, "appRoles"))
        {
            var role = new LabAppRole
            {
                Id = GraphInput.Guid(item, "id") ?? throw GraphException.BadRequest("An app role needs an 'id'."),
                Value = GraphInput.String(item, "value") ?? "",
                DisplayName = GraphInput.String(item, "displayName") ?? "",
                Description = GraphInput.String(item, "description") ?? "",
                AllowedMemberTypes = GraphInput.Array(item, "allowedMemberTypes")?.Select(t => t?.GetValue<string>() ?? "").ToList() ?? new List<string> { "Application" },
                IsEnabled = GraphInput.Bool(item, "isEnabled") ?? true,
            };
            if (roles.Any(r => r.Id == role.Id || (role.Value.Length > 0 && r.Value == role.Value)))
            {
                throw GraphException.BadRequest($"App roles need unique ids and values: '{role.Id}' / '{role.Value}' is repeated.");
            }

            roles.Add(role);
        }

        return roles;
    }

    private static (LabPasswordCredential Credential, string SecretText) NewPassword(LabState state, JsonObject input)
    {
        var secret = NewSecret();
        var start = GraphInput.Date(input, "startDateTime") ?? state.Now;
        var end = GraphInput.Date(input, "endDateTime") ?? start.AddYears(2);
        if (end <= start)
        {
            throw GraphException.BadRequest("The password credential's endDateTime must follow its startDateTime.");
        }

        return (new LabPasswordCredential
        {
            KeyId = state.NewId(),
            DisplayName = GraphInput.String(input, "displayName"),
            Hint = secret[..3],
            SecretText = secret,
            StartDateTime = start,
            EndDateTime = end,
            ReplicatedAt = state.ReplicatedAtForNewObject(),
        }, secret);
    }

    /// <summary>A client secret in Entra ID's current form: 40 characters with "8Q~" after the three-character hint.</summary>
    private static string NewSecret()
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.~";
        string Random(int length) => new(Enumerable.Range(0, length).Select(_ => Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)]).ToArray());
        return Random(3) + "8Q~" + Random(34);
    }

    private static JsonObject WithContext(GraphRequest request, string set, JsonObject json, bool entity = true)
    {
        var result = new JsonObject
        {
            ["@odata.context"] = request.Context(set + (request.Query.Select is null || !entity ? "" : "(" + string.Join(',', request.Query.Select) + ")") + (entity ? "/$entity" : "")),
        };
        foreach (var (name, value) in json.ToList())
        {
            json.Remove(name);
            result[name] = value;
        }

        return result;
    }

    internal static JsonObject Entity(GraphRequest request, string set, JsonObject json) => WithContext(request, set, json);

    private static readonly IReadOnlySet<string> FederatedCredentialProperties =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "id", "name", "issuer", "subject", "audiences", "description" };

    /// <summary>
    /// GET /applications/{id}/federatedIdentityCredentials: microsoft.graph.federatedIdentityCredential (id, name,
    /// issuer, subject, audiences, description), readable by whoever may read the application. The lab adds none.
    /// </summary>
    private static GraphResult FederatedIdentityCredentials(GraphRequest request, LabApplication app)
    {
        if (request.Method != "GET")
        {
            throw GraphException.MethodNotAllowed();
        }

        GraphPermissions.RequireRead(request);
        var items = app.FederatedIdentityCredentials.Select(f => new JsonObject
        {
            ["id"] = f.Id,
            ["name"] = f.Name,
            ["issuer"] = f.Issuer,
            ["subject"] = f.Subject,
            ["description"] = f.Description,
            ["audiences"] = new JsonArray(f.Audiences.Select(a => (JsonNode)a).ToArray()),
        }).ToList();
        return GraphResult.Ok(request.Query.Collection(request, $"applications('{app.Id}')/federatedIdentityCredentials", "microsoft.graph.federatedIdentityCredential",
            items, new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "name", "issuer", "subject" }, FederatedCredentialProperties, request.State.Settings.GraphPageSize));
    }
}
