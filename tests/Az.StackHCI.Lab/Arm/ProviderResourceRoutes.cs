namespace Az.StackHCI.Lab.Arm;

/// <summary>Routes below ".../resourceGroups/{rg}/providers/{namespace}/": the HCI and HybridCompute types.</summary>
internal static class ProviderResourceRoutes
{
    private const string Hci = Clusters.Namespace;
    private const string HybridCompute = Machines.Namespace;

    public static ArmRoute Route(ArmCall call, string group, string ns, string[] rest)
    {
        if (ArmRouter.Is(ns, Hci) && ArmRouter.Is(rest[0], "clusters"))
        {
            return ClusterRoutes(call, group, rest);
        }

        if (ArmRouter.Is(ns, HybridCompute) && ArmRouter.Is(rest[0], "machines"))
        {
            return MachineRoutes(call, group, rest);
        }

        throw Unknown(call, ns, string.Join('/', rest.Where((_, i) => i % 2 == 0)));
    }

    public static ArmRoute ListBySubscription(ArmCall call, string ns, string type, string subscription)
    {
        if (ArmRouter.Is(ns, Hci) && ArmRouter.Is(type, "clusters"))
        {
            return ArmRouter.Get(call, ArmRoute.Rbac(Clusters.Type, $"{Clusters.Type}/read", subscription, c => Clusters.List(c, null)));
        }

        if (ArmRouter.Is(ns, HybridCompute) && ArmRouter.Is(type, "machines"))
        {
            return ArmRouter.Get(call, ArmRoute.Rbac(Machines.Type, $"{Machines.Type}/read", subscription, c => Machines.List(c, null)));
        }

        throw Unknown(call, ns, type);
    }

    private static ArmRoute ClusterRoutes(ArmCall call, string group, string[] rest)
    {
        const string type = Clusters.Type;
        if (rest.Length == 1)
        {
            return ArmRouter.Get(call, ArmRoute.Rbac(type, $"{type}/read", ArmIds.ResourceGroup(call.State, group), c => Clusters.List(c, group)));
        }

        var name = rest[1];
        var id = Clusters.Id(call, group, name);
        if (rest.Length == 2)
        {
            return Crud(call, type, id, Hci,
                c => Clusters.Get(c, group, name), c => Clusters.Put(c, group, name), c => Clusters.Patch(c, group, name), c => Clusters.Delete(c, group, name));
        }

        // Without the service-managed identity (a custom cloud's older provider) its actions do not exist.
        var managedIdentity = call.State.Settings.ServiceManagedIdentity;
        if (rest.Length == 3 && !ArmRouter.Is(rest[2], "arcSettings"))
        {
            Func<ArmCall, ArmResult>? action = rest[2].ToUpperInvariant() switch
            {
                "UPLOADCERTIFICATE" when managedIdentity => c => ClusterActions.UploadCertificate(c, group, name),
                "CREATECLUSTERIDENTITY" when managedIdentity => c => ClusterActions.CreateClusterIdentity(c, group, name),
                "EXTENDSOFTWAREASSURANCEBENEFIT" => c => ClusterActions.ExtendSoftwareAssuranceBenefit(c, group, name),
                _ => null,
            };
            return Action(call, type, id, rest[2], action) with { AlwaysAsync = ArmRouter.Is(rest[2], "uploadCertificate") };
        }

        const string arcType = ArcSettings.Type;
        if (rest.Length == 3)
        {
            return ArmRouter.Get(call, ArmRoute.Rbac(arcType, $"{arcType}/read", id, c => ArcSettings.List(c, group, name)));
        }

        var arc = rest[3];
        var arcId = $"{id}/arcSettings/{arc}";
        if (rest.Length == 4)
        {
            return Crud(call, arcType, arcId, Hci,
                c => ArcSettings.Get(c, group, name, arc), c => ArcSettings.Put(c, group, name, arc), c => ArcSettings.Patch(c, group, name, arc),
                c => ArcSettings.Delete(c, group, name, arc));
        }

        const string extensions = ArcExtensions.Type;
        if (rest.Length == 5 && ArmRouter.Is(rest[4], "extensions"))
        {
            return ArmRouter.Get(call, ArmRoute.Rbac(extensions, $"{extensions}/read", arcId, c => ArcExtensions.List(c, group, name, arc)));
        }

        if (rest.Length == 6 && ArmRouter.Is(rest[4], "extensions"))
        {
            var extension = rest[5];
            return ArmRouter.Pick(call,
                ("GET", () => ArmRoute.Rbac(extensions, $"{extensions}/read", $"{arcId}/extensions/{extension}", c => ArcExtensions.Get(c, group, name, arc, extension))),
                ("PUT", () => ArmRoute.Rbac(extensions, $"{extensions}/write", $"{arcId}/extensions/{extension}", c => ArcExtensions.Put(c, group, name, arc, extension)) with
                {
                    RequiresRegistration = Hci, MayRunAsync = true,
                }),
                ("DELETE", () => ArmRoute.Rbac(extensions, $"{extensions}/delete", $"{arcId}/extensions/{extension}", c => ArcExtensions.Delete(c, group, name, arc, extension)) with
                {
                    MayRunAsync = true,
                }));
        }

        if (rest.Length == 5)
        {
            Func<ArmCall, ArmResult>? action = rest[4].ToUpperInvariant() switch
            {
                "GENERATEPASSWORD" when managedIdentity => c => ArcSettingActions.GeneratePassword(c, group, name, arc),
                "CREATEARCIDENTITY" when managedIdentity => c => ArcSettingActions.CreateArcIdentity(c, group, name, arc),
                "CONSENTANDINSTALLDEFAULTEXTENSIONS" => c => ArcSettingActions.ConsentAndInstallDefaultExtensions(c, group, name, arc),
                "INITIALIZEDISABLEPROCESS" => c => ArcSettingActions.InitializeDisableProcess(c, group, name, arc),
                _ => null,
            };
            var disable = ArmRouter.Is(rest[4], "initializeDisableProcess");
            return Action(call, arcType, arcId, rest[4], action) with
            {
                // Always 202 + Azure-AsyncOperation, running for the lab's arcDisableMs (as in Azure, it takes time).
                AlwaysAsync = disable,
                AsyncDurationMs = disable ? call.State.Settings.ArcDisableMs : null,
            };
        }

        throw Unknown(call, Hci, string.Join('/', rest.Where((_, i) => i % 2 == 0)));
    }

    private static ArmRoute MachineRoutes(ArmCall call, string group, string[] rest)
    {
        const string type = Machines.Type;
        if (rest.Length == 1)
        {
            return ArmRouter.Get(call, ArmRoute.Rbac(type, $"{type}/read", ArmIds.ResourceGroup(call.State, group), c => Machines.List(c, group)));
        }

        if (rest.Length == 2)
        {
            var name = rest[1];
            return Crud(call, type, Machines.Id(call, group, name), HybridCompute,
                c => Machines.Get(c, group, name), c => Machines.Put(c, group, name), c => Machines.Patch(c, group, name), c => Machines.Delete(c, group, name));
        }

        throw Unknown(call, HybridCompute, string.Join('/', rest.Where((_, i) => i % 2 == 0)));
    }

    /// <summary>GET/PUT/PATCH/DELETE of one resource: writes need the namespace registered and may run as LROs.</summary>
    private static ArmRoute Crud(ArmCall call, string type, string id, string ns, Func<ArmCall, ArmResult> get, Func<ArmCall, ArmResult> put,
        Func<ArmCall, ArmResult> patch, Func<ArmCall, ArmResult> delete) =>
        ArmRouter.Pick(call,
            ("GET", () => ArmRoute.Rbac(type, $"{type}/read", id, get)),
            ("PUT", () => ArmRoute.Rbac(type, $"{type}/write", id, put) with { RequiresRegistration = ns, MayRunAsync = true }),
            ("PATCH", () => ArmRoute.Rbac(type, $"{type}/write", id, patch) with { RequiresRegistration = ns, MayRunAsync = true }),
            ("DELETE", () => ArmRoute.Rbac(type, $"{type}/delete", id, delete) with { MayRunAsync = true }));

    private static ArmRoute Action(ArmCall call, string type, string id, string name, Func<ArmCall, ArmResult>? handle) =>
        handle is null
            ? throw Unknown(call, type[..type.IndexOf('/')], type[(type.IndexOf('/') + 1)..] + "/" + name)
            : ArmRouter.Pick(call, ("POST", () => ArmRoute.Rbac(type, $"{type}/{name}/action", id, handle) with
            {
                RequiresRegistration = type[..type.IndexOf('/')],
                MayRunAsync = true,
            }));

    private static ArmException Unknown(ArmCall call, string ns, string type) =>
        call.State.Providers.ContainsKey(ns) ? ArmErrors.InvalidResourceType(type, ns, call.ApiVersion) : ArmErrors.InvalidResourceNamespace(ns);
}
