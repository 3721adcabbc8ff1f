using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Identity;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Authentication.Azure;

namespace Az.StackHCI.Lab.Tests;

/// <summary>What the Graph tests share: the real GraphServiceClient pointed at the lab, certificates and proofs.</summary>
internal static class GraphTestKit
{
    // Application role ids of the Azure Stack HCI service (wire protocols §4.4) and the values the lab gives them.
    public const string HciAppId = "1322e676-dee7-41ee-a874-ac923822781c";

    public static readonly (Guid Id, string Value)[] HciRoles =
    {
        (Guid.Parse("2344a320-6a09-4530-bed7-c90485b5e5e2"), "ClusterRead"),
        (Guid.Parse("493bd689-9082-40db-a506-11f40b68128f"), "ClusterReadWrite"),
        (Guid.Parse("8fa5445e-80fb-4c71-a3b1-9a16a81a1966"), "ClusterNodeRead"),
        (Guid.Parse("bbe8afc9-f3ba-4955-bb5f-1cfb6960b242"), "ClusterNodeReadWrite"),
    };

    /// <summary>
    /// The client as a module would build it for a custom cloud: the lab's Graph scope and its /v1.0 base URL. Graph
    /// 6.x (Graph.Core 4) attaches tokens only to the national-cloud Graph hosts unless told the allowed hosts, so
    /// GraphServiceClient(credential, scopes, baseUrl) would send no token to the lab: name its host explicitly.
    /// </summary>
    public static GraphServiceClient Client(this LabFixture lab, TokenCredential credential) =>
        new(new AzureIdentityAuthenticationProvider(credential, new[] { lab.Graph.Host }, null, true, lab.Graph + ".default"), lab.Graph + "v1.0");

    /// <summary>A Graph client signed in as a seeded user (device code, auto-approved as that user).</summary>
    public static async Task<GraphServiceClient> UserClientAsync(this LabFixture lab, string user)
    {
        await lab.PutControlAsync("devicecode/autoapprove", new { user, delayMs = 0 });
        return lab.Client(lab.UserCredential());
    }

    public static Application HciApplication(string displayName, X509Certificate2? certificate = null) => new()
    {
        DisplayName = displayName,
        KeyCredentials = certificate is null ? null : new List<KeyCredential> { KeyCredential(certificate) },
        SignInAudience = "AzureADMyOrg",
        RequiredResourceAccess = new List<RequiredResourceAccess>
        {
            new()
            {
                ResourceAppId = HciAppId,
                ResourceAccess = HciRoles.Select(r => new ResourceAccess { Id = r.Id, Type = "Role" }).ToList(),
            },
        },
    };

    public static KeyCredential KeyCredential(X509Certificate2 certificate, DateTimeOffset? start = null, DateTimeOffset? end = null, Guid? keyId = null) => new()
    {
        Type = "AsymmetricX509Cert",
        Usage = "Verify",
        Key = certificate.RawData,
        DisplayName = certificate.Subject,
        KeyId = keyId,
        StartDateTime = start ?? certificate.NotBefore.ToUniversalTime(),
        EndDateTime = end ?? certificate.NotAfter.ToUniversalTime(),
    };

    public static X509Certificate2 Certificate(string subject, int days = 30)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(days));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    public static ClientCertificateCredential CertificateCredential(this LabFixture lab, string appId, X509Certificate2 certificate) =>
        new(lab.TenantId, appId, certificate, lab.Configure(new ClientCertificateCredentialOptions()));

    /// <summary>The addKey proof of possession (wire protocols §4.2), signed RS256 with the certificate's key.</summary>
    public static string Proof(X509Certificate2 signer, string applicationObjectId, string audience = "00000002-0000-0000-c000-000000000000")
    {
        var now = DateTimeOffset.UtcNow;
        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["x5t"] = Base64Url.Encode(signer.GetCertHash()) };
        var payload = new JsonObject
        {
            ["aud"] = audience, ["iss"] = applicationObjectId,
            ["nbf"] = now.ToUnixTimeSeconds(), ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
        };
        var input = Base64Url.Encode(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url.Encode(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        using var key = signer.GetRSAPrivateKey()!;
        return input + "." + Base64Url.Encode(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    public static async Task<AccessToken> HciTokenAsync(this LabFixture lab, TokenCredential credential) =>
        await credential.GetTokenAsync(new TokenRequestContext(new[] { lab.Hci + ".default" }), default);

    public static List<string> Roles(AccessToken token) =>
        TokenClaims.Read(token.Token)["roles"]?.AsArray().Select(r => r!.GetValue<string>()).ToList() ?? new List<string>();
}
