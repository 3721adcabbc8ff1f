namespace Az.StackHCI.Lab.Arm;

/// <summary>
/// Maps a request path (case-insensitively: clients send "/resourcegroups/", "/resourceGroups/", "/Subscriptions/")
/// to a route: the handler, the RBAC action and scope, and whether it may run as a long-running operation.
/// </summary>
internal static class ArmRouter
{
    private const string Resources = "Microsoft.Resources";

    public static ArmRoute Route(ArmCall call)
    {
        var s = call.Segments;
        var authorization = AuthorizationIndex(s);
        if (authorization >= 0)
        {
            var scope = RoleAssignments.CanonicalScope("/" + string.Join('/', s[..authorization]));
            CheckSubscription(call, s);
            return AuthorizationRoutes.Route(call, scope, s[(authorization + 2)..]);
        }

        if (s.Length >= 1 && Is(s[0], "providers") && s.Length <= 2)
        {
            // Tenant-level provider metadata: no registration state.
            return s.Length == 1
                ? Get(call, ArmRoute.Anyone($"{Resources}/providers", "/", c => Providers.List(c, withRegistration: false)))
                : Get(call, ArmRoute.Anyone($"{Resources}/providers", "/", c => Providers.Get(c, s[1], withRegistration: false)));
        }

        if (s.Length == 3 && Is(s[0], "providers") && Is(s[2], "operations"))
        {
            // A provider's operations list (Operations_List): tenant-level, any valid token.
            return ProviderOperations.Route(call, s[1]);
        }

        if (s.Length == 0 || !Is(s[0], "subscriptions"))
        {
            throw ArmErrors.NotFound(call.Path);
        }

        if (s.Length == 1)
        {
            return Get(call, ArmRoute.Anyone($"{Resources}/subscriptions", "/", Subscriptions.List));
        }

        CheckSubscription(call, s);
        var subscription = ArmIds.Subscription(call.State);
        if (s.Length == 2)
        {
            return Get(call, ArmRoute.Member($"{Resources}/subscriptions", subscription, Subscriptions.Get));
        }

        if (Is(s[2], "providers"))
        {
            return SubscriptionProviders(call, s, subscription);
        }

        if (Is(s[2], "resourceGroups"))
        {
            return ResourceGroupRoutes(call, s, subscription);
        }

        throw ArmErrors.NotFound(call.Path);
    }

    public static bool Is(string segment, string literal) => string.Equals(segment, literal, StringComparison.OrdinalIgnoreCase);

    /// <summary>The route when the method fits, else 405.</summary>
    public static ArmRoute Get(ArmCall call, ArmRoute route) => Pick(call, ("GET", () => route));

    public static ArmRoute Pick(ArmCall call, params (string Method, Func<ArmRoute> Route)[] options) =>
        options.FirstOrDefault(o => o.Method == call.Method).Route?.Invoke() ?? throw ArmErrors.MethodNotAllowed(call.Method);

    private static ArmRoute SubscriptionProviders(ArmCall call, string[] s, string subscription)
    {
        const string providers = $"{Resources}/providers";
        if (s.Length == 3)
        {
            return Get(call, ArmRoute.Member(providers, subscription, c => Providers.List(c, withRegistration: true)));
        }

        var ns = s[3];
        if (s.Length == 4)
        {
            return Get(call, ArmRoute.Member(providers, subscription, c => Providers.Get(c, ns, withRegistration: true)));
        }

        if (s.Length == 5 && (Is(s[4], "register") || Is(s[4], "unregister")))
        {
            var register = Is(s[4], "register");
            var canonical = Providers.Require(call, ns).Namespace;
            return Pick(call, ("POST", () => ArmRoute.Rbac(providers, $"{canonical}/{(register ? "register" : "unregister")}/action", subscription,
                c => register ? Providers.Register(c, ns) : Providers.Unregister(c, ns))));
        }

        if (s.Length == 8 && Is(s[4], "locations") && (Is(s[6], "operationStatuses") || Is(s[6], "operationResults")))
        {
            var id = s[7];
            var status = Is(s[6], "operationStatuses");
            return Get(call, ArmRoute.Member($"{ns}/locations/operationStatuses", subscription, c => status ? Lro.Status(c, id) : Lro.Result(c, id)) with
            {
                AnyApiVersion = true,
            });
        }

        if (s.Length == 5)
        {
            return ProviderResourceRoutes.ListBySubscription(call, ns, s[4], subscription);
        }

        throw ArmErrors.NotFound(call.Path);
    }

    private static ArmRoute ResourceGroupRoutes(ArmCall call, string[] s, string subscription)
    {
        const string groups = $"{Resources}/resourceGroups";
        const string action = $"{Resources}/subscriptions/resourceGroups";
        if (s.Length == 3)
        {
            return Get(call, ArmRoute.Rbac(groups, $"{action}/read", subscription, ResourceGroups.List));
        }

        var group = s[3];
        var scope = ArmIds.ResourceGroup(call.State, group);
        if (s.Length == 4)
        {
            return Pick(call,
                ("GET", () => ArmRoute.Rbac(groups, $"{action}/read", scope, c => ResourceGroups.Get(c, group))),
                ("PUT", () => ArmRoute.Rbac(groups, $"{action}/write", scope, c => ResourceGroups.Put(c, group))),
                ("PATCH", () => ArmRoute.Rbac(groups, $"{action}/write", scope, c => ResourceGroups.Patch(c, group))),
                ("DELETE", () => ArmRoute.Rbac(groups, $"{action}/delete", scope, c => ResourceGroups.Delete(c, group)) with { MayRunAsync = true }));
        }

        if (s.Length == 5 && Is(s[4], "resources"))
        {
            return Get(call, ArmRoute.Rbac($"{Resources}/resources", $"{action}/resources/read", scope, c => ResourceGroups.Resources(c, group)));
        }

        if (s.Length >= 7 && Is(s[4], "providers"))
        {
            return ProviderResourceRoutes.Route(call, group, s[5], s[6..]);
        }

        throw ArmErrors.NotFound(call.Path);
    }

    /// <summary>Index of "providers" in ".../providers/Microsoft.Authorization/{collection}", or -1.</summary>
    private static int AuthorizationIndex(string[] s)
    {
        for (var i = s.Length - 3; i >= 0; i--)
        {
            if (Is(s[i], "providers") && Is(s[i + 1], "Microsoft.Authorization")
                && (Is(s[i + 2], "roleAssignments") || Is(s[i + 2], "roleDefinitions") || Is(s[i + 2], "permissions")))
            {
                return i;
            }
        }

        return -1;
    }

    private static void CheckSubscription(ArmCall call, string[] s)
    {
        if (s.Length >= 2 && Is(s[0], "subscriptions") && !string.Equals(s[1], call.State.Subscription.SubscriptionId, StringComparison.OrdinalIgnoreCase))
        {
            throw ArmErrors.SubscriptionNotFound(s[1]);
        }
    }
}
