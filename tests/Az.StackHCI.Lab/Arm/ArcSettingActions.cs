using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Arm;

/// <summary>POST actions on clusters/{c}/arcSettings/default (wire protocols §1.6).</summary>
internal static class ArcSettingActions
{
    /// <summary>
    /// Creates the Arc onboarding application "&lt;cluster&gt;.arc" (once), owned by the provider, and records its ids.
    /// The answer (and, run asynchronously, the operation status's "properties") is the spec's ArcIdentityResponse.
    /// </summary>
    public static ArmResult CreateArcIdentity(ArmCall call, string resourceGroup, string cluster, string name)
    {
        var resource = ArcSettings.Require(call, resourceGroup, cluster, name);
        var properties = (JsonObject)resource.Body["properties"]!;
        var application = ArmJson.String(properties["arcApplicationClientId"]) is string clientId ? call.State.FindApplicationByAppId(clientId) : null;
        if (application is null || call.State.FindServicePrincipalByAppId(application.AppId) is not { } servicePrincipal)
        {
            (application, servicePrincipal) = DirectoryObjects.CreateApplication(call.State, cluster + ".arc");
        }

        properties["arcApplicationClientId"] = application.AppId;
        properties["arcApplicationTenantId"] = call.State.TenantId;
        properties["arcApplicationObjectId"] = application.Id;
        properties["arcServicePrincipalObjectId"] = servicePrincipal.Id;
        ArmJson.Touch(resource.Body, call);
        var result = new JsonObject();
        ArmJson.CopyPresent(properties, result, "arcApplicationClientId", "arcApplicationTenantId", "arcApplicationObjectId", "arcServicePrincipalObjectId");
        return ArmResult.Ok(new JsonObject { ["properties"] = result });
    }

    /// <summary>A new password credential of the Arc application; the secret is shown this once.</summary>
    public static ArmResult GeneratePassword(ArmCall call, string resourceGroup, string cluster, string name)
    {
        var resource = ArcSettings.Require(call, resourceGroup, cluster, name);
        var clientId = ArmJson.String(resource.Body["properties"]?["arcApplicationClientId"]);
        var application = clientId is null ? null : call.State.FindApplicationByAppId(clientId);
        if (application is null)
        {
            throw new ArmException(400, "ArcApplicationNotFound",
                $"The arc setting of cluster '{cluster}' has no Arc application. Call createArcIdentity first.");
        }

        var credential = new LabPasswordCredential
        {
            KeyId = call.State.NewId(),
            DisplayName = "Azure Stack HCI Arc",
            SecretText = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)),
            StartDateTime = call.Now,
            EndDateTime = call.Now.AddYears(1),
        };
        credential.Hint = credential.SecretText[..3];
        application.PasswordCredentials.Add(credential);
        return ArmResult.Ok(new JsonObject
        {
            ["secretText"] = credential.SecretText,
            ["keyId"] = credential.KeyId,
            ["startDateTime"] = ArmJson.Time(credential.StartDateTime),
            ["endDateTime"] = ArmJson.Time(credential.EndDateTime),
        });
    }

    public static ArmResult ConsentAndInstallDefaultExtensions(ArmCall call, string resourceGroup, string cluster, string name)
    {
        var resource = ArcSettings.Require(call, resourceGroup, cluster, name);
        resource.Body["properties"]!["defaultExtensions"] = new JsonArray(
            new JsonObject { ["category"] = "ProductQualityAndSupport", ["consentTime"] = ArmJson.Time(call.Now) });
        ArcExtensions.InstallDefaults(call, resource);
        ArmJson.Touch(resource.Body, call);
        return ArmResult.Ok(ArcSettings.Render(call, resource));
    }

    /// <summary>
    /// Starts Arc clean-up, always as a long-running operation of the lab's arcDisableMs (the route makes it one): the
    /// aggregate state reads DisableInProgress until the arc setting is deleted, and when the operation ends the
    /// Azure-managed (default) extensions are gone (<see cref="ArcExtensions.Settle"/>).
    /// </summary>
    public static ArmResult InitializeDisableProcess(ArmCall call, string resourceGroup, string cluster, string name)
    {
        var resource = ArcSettings.Require(call, resourceGroup, cluster, name);
        resource.Hidden["disabling"] = ArmJson.Time(call.Now);
        resource.Hidden["disableCompletesAt"] = ArmJson.Time(call.Now.AddMilliseconds(call.State.Settings.ArcDisableMs));
        return new ArmResult(200);
    }
}
