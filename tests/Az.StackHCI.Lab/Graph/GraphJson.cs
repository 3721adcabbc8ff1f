using System.Globalization;
using System.Text.Json.Nodes;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Graph;

/// <summary>
/// Directory objects in Graph v1.0's shape: camelCase, every property present (null or [] when unset), GUIDs as
/// strings, Edm.Binary as base64, dates as ISO-8601 UTC. Properties the lab does not act on come from the
/// object's OtherProperties over Graph's defaults.
/// </summary>
internal static class GraphJson
{
    public const string ApplicationType = "microsoft.graph.application";
    public const string ServicePrincipalType = "microsoft.graph.servicePrincipal";
    public const string AppRoleAssignmentType = "microsoft.graph.appRoleAssignment";
    public const string UserType = "microsoft.graph.user";
    public const string DirectoryObjectType = "microsoft.graph.directoryObject";

    /// <summary>Application properties the lab keeps as sent (Graph's defaults until set).</summary>
    public static JsonObject ApplicationDefaults() => new()
    {
        ["applicationTemplateId"] = null,
        ["description"] = null,
        ["groupMembershipClaims"] = null,
        ["identifierUris"] = new JsonArray(),
        ["isDeviceOnlyAuthSupported"] = null,
        ["notes"] = null,
        ["serviceManagementReference"] = null,
        ["tags"] = new JsonArray(),
        ["tokenEncryptionKeyId"] = null,
        ["defaultRedirectUri"] = null,
        ["optionalClaims"] = null,
        ["addIns"] = new JsonArray(),
        ["api"] = new JsonObject
        {
            ["acceptMappedClaims"] = null, ["knownClientApplications"] = new JsonArray(), ["requestedAccessTokenVersion"] = null,
            ["oauth2PermissionScopes"] = new JsonArray(), ["preAuthorizedApplications"] = new JsonArray(),
        },
        ["info"] = Info(),
        ["parentalControlSettings"] = new JsonObject { ["countriesBlockedForMinors"] = new JsonArray(), ["legalAgeGroupRule"] = "Allow" },
        ["publicClient"] = new JsonObject { ["redirectUris"] = new JsonArray() },
        ["spa"] = new JsonObject { ["redirectUris"] = new JsonArray() },
        ["web"] = new JsonObject
        {
            ["homePageUrl"] = null, ["logoutUrl"] = null, ["redirectUris"] = new JsonArray(),
            ["implicitGrantSettings"] = new JsonObject { ["enableAccessTokenIssuance"] = false, ["enableIdTokenIssuance"] = false },
            ["redirectUriSettings"] = new JsonArray(),
        },
    };

    /// <summary>Service principal properties the lab keeps as sent.</summary>
    public static JsonObject ServicePrincipalDefaults() => new()
    {
        ["accountEnabled"] = true,
        ["alternativeNames"] = new JsonArray(),
        ["appRoleAssignmentRequired"] = false,
        ["description"] = null,
        ["homepage"] = null,
        ["loginUrl"] = null,
        ["logoutUrl"] = null,
        ["notes"] = null,
        ["notificationEmailAddresses"] = new JsonArray(),
        ["preferredSingleSignOnMode"] = null,
        ["replyUrls"] = new JsonArray(),
        ["tags"] = new JsonArray(),
        ["info"] = Info(),
    };

    public static JsonObject Application(LabApplication app, bool withKeys)
    {
        var json = new JsonObject
        {
            ["id"] = app.Id,
            ["deletedDateTime"] = null,
            ["appId"] = app.AppId,
            ["createdDateTime"] = Date(app.CreatedDateTime),
            ["displayName"] = app.DisplayName,
            ["disabledByMicrosoftStatus"] = null,
            ["isFallbackPublicClient"] = app.IsPublicClient ? true : null,
            ["publisherDomain"] = LabIds.TenantDomain,
            ["signInAudience"] = app.SignInAudience,
            ["appRoles"] = new JsonArray(app.AppRoles.Select(r => (JsonNode)AppRole(r)).ToArray()),
            ["keyCredentials"] = new JsonArray(app.KeyCredentials.Select(k => (JsonNode)KeyCredential(k, withKeys)).ToArray()),
            ["passwordCredentials"] = new JsonArray(app.PasswordCredentials.Select(p => (JsonNode)PasswordCredential(p, null)).ToArray()),
            ["requiredResourceAccess"] = app.RequiredResourceAccess.DeepClone(),
            ["verifiedPublisher"] = new JsonObject { ["displayName"] = null, ["verifiedPublisherId"] = null, ["addedDateTime"] = null },
        };
        Overlay(json, ApplicationDefaults(), app.OtherProperties);
        return json;
    }

    /// <summary>A service principal; <paramref name="app"/> is its application when that lives in this tenant.</summary>
    public static JsonObject ServicePrincipal(LabServicePrincipal sp, LabApplication? app)
    {
        var json = new JsonObject
        {
            ["id"] = sp.Id,
            ["deletedDateTime"] = null,
            ["appDisplayName"] = app?.DisplayName ?? sp.DisplayName,
            ["appDescription"] = null,
            ["appId"] = sp.AppId,
            ["applicationTemplateId"] = null,
            ["appOwnerOrganizationId"] = sp.AppOwnerOrganizationId,
            ["disabledByMicrosoftStatus"] = null,
            ["displayName"] = sp.DisplayName,
            ["preferredTokenSigningKeyThumbprint"] = null,
            ["servicePrincipalNames"] = new JsonArray(sp.AppId),
            ["servicePrincipalType"] = sp.ServicePrincipalType,
            ["signInAudience"] = app?.SignInAudience ?? "AzureADMultipleOrgs",
            ["tokenEncryptionKeyId"] = null,
            ["samlSingleSignOnSettings"] = null,
            ["addIns"] = new JsonArray(),
            ["appRoles"] = new JsonArray(sp.AppRoles.Select(r => (JsonNode)AppRole(r)).ToArray()),
            ["keyCredentials"] = new JsonArray(),
            ["oauth2PermissionScopes"] = new JsonArray(),
            ["passwordCredentials"] = new JsonArray(),
            ["resourceSpecificApplicationPermissions"] = new JsonArray(),
            ["verifiedPublisher"] = new JsonObject { ["displayName"] = null, ["verifiedPublisherId"] = null, ["addedDateTime"] = null },
        };
        Overlay(json, ServicePrincipalDefaults(), sp.OtherProperties);
        return json;
    }

    /// <summary>A user with Graph v1.0's default properties (a guest: its #EXT# name here, its home address as mail).</summary>
    public static JsonObject User(LabUser user) => new()
    {
        ["businessPhones"] = new JsonArray(),
        ["displayName"] = user.DisplayName,
        ["givenName"] = null,
        ["jobTitle"] = null,
        ["mail"] = user.HomeUserPrincipalName,
        ["mobilePhone"] = null,
        ["officeLocation"] = null,
        ["preferredLanguage"] = null,
        ["surname"] = null,
        ["userPrincipalName"] = user.UserPrincipalName,
        ["id"] = user.Id,
    };

    /// <summary>A key credential; <c>key</c> only where Graph returns it (a single object read with $select=keyCredentials).</summary>
    public static JsonObject KeyCredential(LabKeyCredential key, bool withKey) => new()
    {
        ["customKeyIdentifier"] = key.CustomKeyIdentifier,
        ["displayName"] = key.DisplayName,
        ["endDateTime"] = Date(key.EndDateTime),
        ["key"] = withKey ? key.Key : null,
        ["keyId"] = key.KeyId,
        ["startDateTime"] = Date(key.StartDateTime),
        ["type"] = key.Type,
        ["usage"] = key.Usage,
    };

    /// <summary>A password credential; <paramref name="secretText"/> is given only in the response that created it.</summary>
    public static JsonObject PasswordCredential(LabPasswordCredential password, string? secretText) => new()
    {
        ["customKeyIdentifier"] = null,
        ["displayName"] = password.DisplayName,
        ["endDateTime"] = Date(password.EndDateTime),
        ["hint"] = password.Hint,
        ["keyId"] = password.KeyId,
        ["secretText"] = secretText,
        ["startDateTime"] = Date(password.StartDateTime),
    };

    public static JsonObject AppRole(LabAppRole role) => new()
    {
        ["allowedMemberTypes"] = new JsonArray(role.AllowedMemberTypes.Select(t => (JsonNode)t).ToArray()),
        ["description"] = role.Description,
        ["displayName"] = role.DisplayName,
        ["id"] = role.Id,
        ["isEnabled"] = role.IsEnabled,
        ["origin"] = "Application",
        ["value"] = role.Value,
    };

    public static JsonObject AppRoleAssignment(LabAppRoleAssignment assignment, LabState? state) => new()
    {
        ["id"] = assignment.Id,
        ["deletedDateTime"] = null,
        ["appRoleId"] = assignment.AppRoleId,
        ["createdDateTime"] = Date(assignment.CreatedDateTime),
        ["principalDisplayName"] = state?.FindPrincipal(assignment.PrincipalId, requireReplicated: false)?.DisplayName,
        ["principalId"] = assignment.PrincipalId,
        ["principalType"] = assignment.PrincipalType,
        ["resourceDisplayName"] = state?.FindServicePrincipal(assignment.ResourceId)?.DisplayName,
        ["resourceId"] = assignment.ResourceId,
    };

    /// <summary>Property names of a type, for $select checks.</summary>
    public static IReadOnlySet<string> Properties(JsonObject sample) =>
        sample.Select(p => p.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public static string Date(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static JsonObject Info() => new()
    {
        ["logoUrl"] = null, ["marketingUrl"] = null, ["privacyStatementUrl"] = null, ["supportUrl"] = null, ["termsOfServiceUrl"] = null,
    };

    private static void Overlay(JsonObject json, JsonObject defaults, JsonObject kept)
    {
        foreach (var (name, value) in defaults)
        {
            json[name] = kept.TryGetPropertyValue(name, out var set) ? set?.DeepClone() : value?.DeepClone();
        }
    }
}
