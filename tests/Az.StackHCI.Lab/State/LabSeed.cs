using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace Az.StackHCI.Lab.State;

/// <summary>
/// The seeded tenant and subscription: five users with the roles the issue names, a B2B guest from another tenant
/// (Owner), two CI service principals, the first-party applications registration talks to, the resource providers
/// and the built-in and seed roles.
/// </summary>
internal sealed class LabSeed(LabState state)
{
    public static readonly string[] HciRegions = { "East US", "West Europe", "Southeast Asia" };

    public static readonly string[] ClusterApiVersions =
    {
        "2024-04-01", "2024-01-01", "2023-08-01", "2023-06-01", "2023-03-01", "2023-02-01", "2022-12-01", "2022-10-01",
        "2022-09-01", "2022-05-01", "2022-03-01", "2022-01-01", "2021-09-01", "2020-10-01",
    };

    public static readonly string[] ArcSettingApiVersions =
    {
        "2024-04-01", "2024-01-01", "2023-08-01", "2023-06-01", "2023-03-01", "2023-02-01", "2022-12-01", "2022-10-01",
        "2022-09-01", "2022-05-01", "2022-03-01", "2022-01-01", "2021-09-01",
    };

    public static readonly string[] MachineApiVersions = { "2024-07-10", "2023-10-03", "2022-12-27", "2022-03-10", "2020-08-02" };

    // Application role ids of the Azure Stack HCI service the cluster app asks for (wire protocols §4.4).
    public static readonly (string Id, string Value)[] HciServiceRoles =
    {
        ("2344a320-6a09-4530-bed7-c90485b5e5e2", "ClusterRead"),
        ("493bd689-9082-40db-a506-11f40b68128f", "ClusterReadWrite"),
        ("8fa5445e-80fb-4c71-a3b1-9a16a81a1966", "ClusterNodeRead"),
        ("bbe8afc9-f3ba-4955-bb5f-1cfb6960b242", "ClusterNodeReadWrite"),
    };

    public LabSubscription Subscription { get; } = new()
    {
        SubscriptionId = LabIds.SubscriptionId,
        DisplayName = "Az.StackHCI Lab",
        TenantId = LabIds.TenantId,
    };

    public string CiSecret { get; private set; } = "";

    public string CiCertificatePath { get; private set; } = "";

    public void Apply()
    {
        var epoch = state.Now.AddDays(-30);
        AddUser("admin", LabIds.AdminId, "Lab Administrator", LabIds.GlobalAdministrator);
        AddUser("operator", LabIds.OperatorId, "Lab Operator");
        AddUser("registrar", LabIds.RegistrarId, "Lab Registrar", LabIds.CloudApplicationAdministrator);
        AddUser("contributor", LabIds.ContributorId, "Lab Contributor", LabIds.CloudApplicationAdministrator);
        AddUser("reader", LabIds.ReaderId, "Lab Reader");
        AddGuest("guest", "Lab Guest");

        CiSecret = ReadOrCreate("ci-secret.txt", () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)));
        var ci = AddApplication(LabIds.CiAppId, LabIds.CiAppObjectId, LabIds.CiSpId, "Az.StackHCI Lab CI");
        ci.PasswordCredentials.Add(new LabPasswordCredential
        {
            KeyId = "c1a0000a-3b2c-4d5e-8f6a-7b8c9d0e1f0a", DisplayName = "ci", Hint = CiSecret[..3], SecretText = CiSecret,
            StartDateTime = epoch, EndDateTime = epoch.AddYears(2),
        });
        if (state.FederationIssuer.Length > 0)
        {
            // As GitHub Actions' OIDC tokens name a workflow run in an environment (docs: workload identity federation).
            ci.FederatedIdentityCredentials.Add(new LabFederatedIdentityCredential
            {
                Id = LabIds.CiFederatedCredentialId, Name = "hci-fleet-production", Issuer = state.FederationIssuer,
                Subject = LabIds.CiFederatedSubject, Audiences = { LabIds.TokenExchangeAudience },
                Description = "CI runs of contoso/hci-fleet in its production environment",
            });
        }

        var certificate = LoadOrCreateCiCertificate();
        var ciCert = AddApplication(LabIds.CiCertAppId, LabIds.CiCertAppObjectId, LabIds.CiCertSpId, "Az.StackHCI Lab CI (certificate)");
        ciCert.KeyCredentials.Add(new LabKeyCredential
        {
            KeyId = "c1a0000b-3b2c-4d5e-8f6a-7b8c9d0e1f0b", DisplayName = certificate.Subject, Key = Convert.ToBase64String(certificate.RawData),
            CustomKeyIdentifier = Convert.ToBase64String(certificate.GetCertHash()),
            StartDateTime = certificate.NotBefore.ToUniversalTime(), EndDateTime = certificate.NotAfter.ToUniversalTime(),
        });

        AddApplication(LabIds.AzureCliAppId, state.NewId(), state.NewId(), "Microsoft Azure CLI").IsPublicClient = true;
        AddApplication(LabIds.AzurePowerShellAppId, state.NewId(), state.NewId(), "Microsoft Azure PowerShell").IsPublicClient = true;
        var graph = AddApplication(LabIds.MicrosoftGraphAppId, state.NewId(), LabIds.MicrosoftGraphSpId, "Microsoft Graph");
        graph.AppRoles.Add(new LabAppRole { Id = LabIds.GraphApplicationReadWriteAll, Value = "Application.ReadWrite.All", DisplayName = "Read and write all applications" });
        graph.AppRoles.Add(new LabAppRole { Id = LabIds.GraphAppRoleAssignmentReadWriteAll, Value = "AppRoleAssignment.ReadWrite.All", DisplayName = "Manage app permission grants and app role assignments" });
        var hci = AddApplication(LabIds.HciServiceAppId, state.NewId(), LabIds.HciServiceSpId, "Azure Stack HCI");
        hci.AppRoles.AddRange(HciServiceRoles.Select(r => new LabAppRole { Id = r.Id, Value = r.Value, DisplayName = r.Value }));
        AddApplication(LabIds.HciResourceProviderAppId, state.NewId(), LabIds.HciResourceProviderSpId, "Azure Stack HCI Resource Provider");
        foreach (var sp in state.ServicePrincipals)
        {
            sp.AppRoles = state.FindApplicationByAppId(sp.AppId)!.AppRoles;
        }

        foreach (var principal in new[] { LabIds.CiSpId, LabIds.CiCertSpId })
        {
            foreach (var role in new[] { LabIds.GraphApplicationReadWriteAll, LabIds.GraphAppRoleAssignmentReadWriteAll })
            {
                state.AppRoleAssignments.Add(new LabAppRoleAssignment
                {
                    Id = Guid.NewGuid().ToString("N"), AppRoleId = role, PrincipalId = principal, ResourceId = LabIds.MicrosoftGraphSpId, CreatedDateTime = epoch,
                });
            }
        }

        AddProviders();
        AddRoleDefinitions();
        var subscription = "/subscriptions/" + LabIds.SubscriptionId;
        Assign(LabIds.AdminId, LabIds.Owner, "User");
        Assign(LabIds.OperatorId, LabIds.Contributor, "User");
        Assign(LabIds.OperatorId, LabIds.UserAccessAdministrator, "User");
        Assign(LabIds.RegistrarId, LabIds.HciRegistrationRole, "User");
        Assign(LabIds.ContributorId, LabIds.Contributor, "User");
        Assign(LabIds.ReaderId, LabIds.Reader, "User");
        Assign(LabIds.GuestId, LabIds.Owner, "User");
        Assign(LabIds.CiSpId, LabIds.Owner, "ServicePrincipal");
        Assign(LabIds.CiCertSpId, LabIds.Owner, "ServicePrincipal");

        void Assign(string principal, string role, string type) => state.RoleAssignments.Add(new LabRoleAssignment
        {
            Name = GuidFrom(principal + role), Scope = subscription, RoleDefinitionId = role, PrincipalId = principal, PrincipalType = type, CreatedOn = epoch,
        });
    }

    private void AddUser(string name, string id, string displayName, params string[] directoryRoles) =>
        state.Users[name] = new LabUser
        {
            Id = id, UserPrincipalName = $"{name}@{LabIds.TenantDomain}", DisplayName = displayName,
            DirectoryRoles = directoryRoles.ToList(), ReplicatedAt = DateTimeOffset.MinValue,
        };

    /// <summary>A B2B guest: an account of the other tenant, invited here (no directory role).</summary>
    private void AddGuest(string name, string displayName)
    {
        var home = $"{name}@{LabIds.GuestHomeTenantDomain}";
        state.Users[name] = new LabUser
        {
            Id = LabIds.GuestId, UserPrincipalName = $"{home.Replace('@', '_')}#EXT#@{LabIds.TenantDomain}", DisplayName = displayName,
            ReplicatedAt = DateTimeOffset.MinValue, UserType = "Guest", HomeTenantId = LabIds.GuestHomeTenantId,
            HomeObjectId = LabIds.GuestHomeObjectId, HomeUserPrincipalName = home,
        };
    }

    private LabApplication AddApplication(string appId, string objectId, string spId, string displayName)
    {
        var app = new LabApplication
        {
            Id = objectId, AppId = appId, DisplayName = displayName, CreatedDateTime = state.Now.AddDays(-30), ReplicatedAt = DateTimeOffset.MinValue,
        };
        state.Applications.Add(app);
        state.ServicePrincipals.Add(new LabServicePrincipal
        {
            Id = spId, AppId = appId, DisplayName = displayName, AppOwnerOrganizationId = LabIds.TenantId, ReplicatedAt = DateTimeOffset.MinValue,
        });
        return app;
    }

    private void AddProviders()
    {
        void Provider(string ns, string registration, params LabResourceType[] types) =>
            state.Providers[ns] = new LabProvider { Namespace = ns, RegistrationState = registration, ResourceTypes = types.ToList() };
        LabResourceType Type(string name, IEnumerable<string> locations, IEnumerable<string> apiVersions, string? capabilities = null) =>
            new() { ResourceType = name, Locations = locations.ToList(), ApiVersions = apiVersions.ToList(), Capabilities = capabilities };

        var everywhere = new[] { "East US", "East US 2", "West US 2", "West Europe", "North Europe", "Southeast Asia", "Australia East", "UK South" };
        var resourceApis = new[] { "2022-09-01", "2021-04-01", "2020-06-01" };
        Provider("Microsoft.Resources", "Registered",
            Type("resourceGroups", everywhere, resourceApis), Type("subscriptions", Array.Empty<string>(), new[] { "2022-12-01", "2022-09-01" }),
            Type("providers", Array.Empty<string>(), resourceApis), Type("resources", Array.Empty<string>(), resourceApis));
        Provider("Microsoft.Authorization", "Registered",
            Type("roleAssignments", Array.Empty<string>(), new[] { "2022-04-01", "2020-04-01-preview", "2015-07-01" }),
            Type("roleDefinitions", Array.Empty<string>(), new[] { "2022-04-01", "2015-07-01" }),
            Type("permissions", Array.Empty<string>(), new[] { "2022-04-01", "2015-07-01" }));
        Provider("Microsoft.AzureStackHCI", "NotRegistered",
            Type("clusters", HciRegions, ClusterApiVersions, "SupportsTags, SupportsLocation"),
            Type("clusters/arcSettings", Array.Empty<string>(), ArcSettingApiVersions),
            Type("clusters/arcSettings/extensions", Array.Empty<string>(), ArcSettingApiVersions),
            Type("locations", Array.Empty<string>(), ClusterApiVersions),
            Type("locations/operationStatuses", HciRegions, ClusterApiVersions),
            Type("operations", Array.Empty<string>(), ClusterApiVersions));
        Provider("Microsoft.HybridCompute", "NotRegistered",
            Type("machines", everywhere, MachineApiVersions, "SupportsTags, SupportsLocation"),
            Type("machines/extensions", everywhere, MachineApiVersions, "SupportsTags, SupportsLocation"),
            Type("locations/operationStatuses", everywhere, MachineApiVersions));
        Provider("Microsoft.GuestConfiguration", "NotRegistered",
            Type("guestConfigurationAssignments", everywhere, new[] { "2022-01-25", "2020-06-25" }));
        Provider("Microsoft.HybridConnectivity", "NotRegistered",
            Type("endpoints", Array.Empty<string>(), new[] { "2023-03-15", "2022-05-01-preview" }));
    }

    private void AddRoleDefinitions()
    {
        void BuiltIn(string id, string name, string description, string[] actions, string[]? notActions = null) =>
            state.RoleDefinitions.Add(new LabRoleDefinition
            {
                Id = id, RoleName = name, Description = description, Actions = actions.ToList(), NotActions = (notActions ?? Array.Empty<string>()).ToList(),
            });

        BuiltIn(LabIds.Owner, "Owner", "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.", new[] { "*" });
        BuiltIn(LabIds.Contributor, "Contributor", "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.", new[] { "*" },
            new[] { "Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action", "Microsoft.Blueprint/blueprintAssignments/write", "Microsoft.Blueprint/blueprintAssignments/delete", "Microsoft.Compute/galleries/share/action", "Microsoft.Purview/consents/write", "Microsoft.Purview/consents/delete", "Microsoft.Resources/deploymentStacks/manageDenySetting/action", "Microsoft.Subscription/cancel/action", "Microsoft.Subscription/enable/action" });
        BuiltIn(LabIds.Reader, "Reader", "View all resources, but does not allow you to make any changes.", new[] { "*/read" });
        BuiltIn(LabIds.UserAccessAdministrator, "User Access Administrator", "Lets you manage user access to Azure resources.", new[] { "*/read", "Microsoft.Authorization/*", "Microsoft.Support/*" });
        BuiltIn(LabIds.ConnectedMachineOnboarding, "Azure Connected Machine Onboarding", "Can onboard Azure Connected Machines.",
            new[] { "Microsoft.HybridCompute/machines/read", "Microsoft.HybridCompute/machines/write", "Microsoft.HybridCompute/privateLinkScopes/read", "Microsoft.GuestConfiguration/guestConfigurationAssignments/read" });
        BuiltIn(LabIds.ConnectedMachineResourceAdministrator, "Azure Connected Machine Resource Administrator", "Can read, write, delete and re-onboard Azure Connected Machines.",
            new[] { "Microsoft.HybridCompute/machines/read", "Microsoft.HybridCompute/machines/write", "Microsoft.HybridCompute/machines/delete", "Microsoft.HybridCompute/machines/UpgradeExtensions/action", "Microsoft.HybridCompute/machines/extensions/read", "Microsoft.HybridCompute/machines/extensions/write", "Microsoft.HybridCompute/machines/extensions/delete", "Microsoft.HybridCompute/privateLinkScopes/*", "Microsoft.HybridCompute/*/read", "Microsoft.Resources/deployments/*" });
        BuiltIn(LabIds.ConnectedMachineResourceManager, "Azure Connected Machine Resource Manager", "Custom Role for AzureStackHCI RP to manage hybrid compute machines and hybrid connectivity endpoints in a resource group",
            new[] { "Microsoft.HybridConnectivity/endpoints/read", "Microsoft.HybridConnectivity/endpoints/write", "Microsoft.HybridConnectivity/endpoints/delete", "Microsoft.HybridConnectivity/endpoints/listManagedProxyDetails/action", "Microsoft.HybridCompute/machines/read", "Microsoft.HybridCompute/machines/write", "Microsoft.HybridCompute/machines/delete", "Microsoft.HybridCompute/machines/extensions/read", "Microsoft.HybridCompute/machines/extensions/write", "Microsoft.HybridCompute/machines/extensions/delete", "Microsoft.HybridCompute/*/read", "Microsoft.Resources/subscriptions/resourceGroups/read" });

        // The seed's customHCIRole.json, as New-AzRoleDefinition -InputFile would create it.
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Seed", "customHCIRole.json")).Replace("<subscriptionId>", LabIds.SubscriptionId);
        var role = JsonNode.Parse(json)!.AsObject();
        state.RoleDefinitions.Add(new LabRoleDefinition
        {
            Id = LabIds.HciRegistrationRole,
            RoleName = role["Name"]!.GetValue<string>(),
            Description = role["Description"]!.GetValue<string>(),
            IsCustom = true,
            Actions = role["Actions"]!.AsArray().Select(a => a!.GetValue<string>()).ToList(),
            NotActions = role["NotActions"]!.AsArray().Select(a => a!.GetValue<string>()).ToList(),
            AssignableScopes = role["AssignableScopes"]!.AsArray().Select(a => a!.GetValue<string>()).ToList(),
            Scope = "/subscriptions/" + LabIds.SubscriptionId,
        });
    }

    private X509Certificate2 LoadOrCreateCiCertificate()
    {
        CiCertificatePath = Path.Combine(state.Root, "ci-certificate.pem");
        if (File.Exists(CiCertificatePath))
        {
            return X509Certificate2.CreateFromPemFile(CiCertificatePath);
        }

        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Az.StackHCI Lab CI", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2));
        File.WriteAllText(CiCertificatePath, certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n");
        return certificate;
    }

    private string ReadOrCreate(string file, Func<string> create)
    {
        var path = Path.Combine(state.Root, file);
        if (!File.Exists(path))
        {
            File.WriteAllText(path, create());
        }

        return File.ReadAllText(path).Trim();
    }

    /// <summary>A stable GUID for seeded objects, so two starts of the lab agree.</summary>
    public static string GuidFrom(string text) => new Guid(MD5.HashData(System.Text.Encoding.UTF8.GetBytes(text))).ToString();
}
