using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Arm;

/// <summary>POST actions on a cluster (wire protocols §1.5).</summary>
internal static class ClusterActions
{
    /// <summary>
    /// Records the nodes' certificates with the cluster (hidden state) and, as the resource provider does, makes each
    /// a key credential of the cluster's application.
    /// </summary>
    public static ArmResult UploadCertificate(ArmCall call, string resourceGroup, string name)
    {
        var cluster = Clusters.Require(call, resourceGroup, name);
        var certificates = Certificates(call.Body());

        var stored = cluster.Hidden["certificates"] as JsonArray ?? new JsonArray();
        foreach (var item in certificates)
        {
            var text = ArmJson.String(item) ?? "";
            X509Certificate2 certificate;
            try
            {
                certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(text));
            }
            catch (Exception ex) when (ex is FormatException || ex is CryptographicException)
            {
                throw new ArmException(400, "InvalidCertificate", "The certificate is not a base64-encoded DER X.509 certificate.");
            }

            using (certificate)
            {
                AddKeyCredential(call, cluster, text, certificate);
                if (!stored.Any(s => ArmJson.String(s?["thumbprint"]) == certificate.Thumbprint))
                {
                    stored.Add(new JsonObject
                    {
                        ["certificate"] = text,
                        ["thumbprint"] = certificate.Thumbprint,
                        ["subject"] = certificate.Subject,
                        ["notAfter"] = ArmJson.Time(certificate.NotAfter.ToUniversalTime()),
                        ["uploadedAt"] = ArmJson.Time(call.Now),
                    });
                }
            }
        }

        cluster.Hidden["certificates"] = stored;
        return new ArmResult(200);
    }

    /// <summary>
    /// The body as the spec's UploadCertificateRequest reads it: { "properties": { "certificates": [ "&lt;base64 DER&gt;", … ] } },
    /// no other members (additionalProperties false on both objects), strings only, at least one certificate.
    /// </summary>
    private static JsonArray Certificates(JsonObject body)
    {
        RequireKnownMembers(body, "UploadCertificateRequest", "", "properties");
        if (body["properties"] is { } node && node is not JsonObject)
        {
            throw ArmErrors.InvalidRequestContent($"Error converting value to type 'RawCertificateData': a JSON {node.GetValueKind()} is not an object. Path 'properties'");
        }

        var properties = body["properties"] as JsonObject;
        if (properties is not null)
        {
            RequireKnownMembers(properties, "RawCertificateData", "properties.", "certificates");
        }

        if (properties?["certificates"] is { } list && list is not JsonArray)
        {
            throw ArmErrors.InvalidRequestContent($"Error converting value to type 'List<String>': a JSON {list.GetValueKind()} is not an array. Path 'properties.certificates'");
        }

        if (properties?["certificates"] is not JsonArray certificates || certificates.Count == 0)
        {
            throw ArmErrors.InvalidRequestContent("Required property 'certificates' not found in JSON. Path 'properties'");
        }

        for (var i = 0; i < certificates.Count; i++)
        {
            if (certificates[i] is not JsonValue value || value.GetValueKind() != System.Text.Json.JsonValueKind.String)
            {
                var kind = certificates[i]?.GetValueKind().ToString() ?? "Null";
                throw ArmErrors.InvalidRequestContent($"Error reading string. Unexpected token: {kind}. Path 'properties.certificates[{i}]'");
            }
        }

        return certificates;
    }

    private static void RequireKnownMembers(JsonObject target, string type, string path, params string[] known)
    {
        foreach (var (member, _) in target)
        {
            if (!known.Contains(member, StringComparer.OrdinalIgnoreCase))
            {
                throw ArmErrors.InvalidRequestContent($"Could not find member '{member}' on object of type '{type}'. Path '{path}{member}'");
            }
        }
    }

    /// <summary>What the resource provider does with an uploaded certificate: a key credential of the cluster's app.</summary>
    private static void AddKeyCredential(ArmCall call, LabResource cluster, string der, X509Certificate2 certificate)
    {
        var appId = ArmJson.String(cluster.Body["properties"]?["aadClientId"]);
        var application = appId is null ? null : call.State.FindApplicationByAppId(appId);
        if (application is null || application.KeyCredentials.Any(k => k.Key == der))
        {
            return;
        }

        application.KeyCredentials.Add(new LabKeyCredential
        {
            KeyId = call.State.NewId(),
            DisplayName = certificate.Subject,
            Key = der,
            CustomKeyIdentifier = Convert.ToBase64String(certificate.GetCertHash()),
            StartDateTime = call.Now > certificate.NotBefore.ToUniversalTime() ? call.Now : certificate.NotBefore.ToUniversalTime(),
            EndDateTime = certificate.NotAfter.ToUniversalTime(),
            ReplicatedAt = call.State.ReplicatedAtForNewObject(),
        });
    }

    /// <summary>
    /// Creates the cluster's AAD application and service principal (once), owned by the provider and holding the HCI
    /// service's app roles, and records their ids. The answer (and, run asynchronously, the operation status's
    /// "properties") is the spec's ClusterIdentityResponse.
    /// </summary>
    public static ArmResult CreateClusterIdentity(ArmCall call, string resourceGroup, string name)
    {
        var cluster = Clusters.Require(call, resourceGroup, name);
        var properties = (JsonObject)cluster.Body["properties"]!;
        var existing = ArmJson.String(properties["aadClientId"]) is string clientId ? call.State.FindApplicationByAppId(clientId) : null;
        if (existing is null || call.State.FindServicePrincipalByAppId(existing.AppId) is not { } servicePrincipal)
        {
            (existing, servicePrincipal) = DirectoryObjects.CreateApplication(call.State, name, hciServiceRoles: true);
        }

        properties["aadClientId"] = existing.AppId;
        properties["aadTenantId"] = call.State.TenantId;
        properties["aadApplicationObjectId"] = existing.Id;
        properties["aadServicePrincipalObjectId"] = servicePrincipal.Id;
        ArmJson.Touch(cluster.Body, call);
        var result = new JsonObject();
        ArmJson.CopyPresent(properties, result, "aadClientId", "aadTenantId", "aadApplicationObjectId", "aadServicePrincipalObjectId");
        return ArmResult.Ok(new JsonObject { ["properties"] = result });
    }

    public static ArmResult ExtendSoftwareAssuranceBenefit(ArmCall call, string resourceGroup, string name)
    {
        var cluster = Clusters.Require(call, resourceGroup, name);
        var intent = ArmJson.String(call.Body()["properties"]?["softwareAssuranceIntent"]) ?? "Enable";
        var assurance = (JsonObject)cluster.Body["properties"]!["softwareAssuranceProperties"]!;
        assurance["softwareAssuranceIntent"] = intent;
        assurance["softwareAssuranceStatus"] = string.Equals(intent, "Enable", StringComparison.OrdinalIgnoreCase) ? "Enabled" : "Disabled";
        assurance["lastUpdated"] = ArmJson.Time(call.Now);
        ArmJson.Touch(cluster.Body, call);
        return ArmResult.Ok(cluster.Body.DeepClone());
    }
}
