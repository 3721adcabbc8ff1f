using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace Az.StackHCI.Core.Identity
{
    /// <summary>
    /// What the AADSTS codes admins meet most often mean and what to check, so a failed sign-in says more than the
    /// code. Meanings from Microsoft's list, learn.microsoft.com/entra/identity-platform/reference-error-codes, and
    /// the workload identity federation troubleshooting page for the federated ones.
    /// </summary>
    internal static class EntraErrorCodes
    {
        private static readonly Regex Code = new Regex(@"AADSTS(?<code>\d+)", RegexOptions.CultureInvariant);

        private static readonly Dictionary<string, string> Advice = new Dictionary<string, string>
        {
            ["50034"] = "the account does not exist in that tenant: check the user name and -TenantId.",
            ["50053"] = "the account is locked after too many failed sign-ins: wait, or ask an administrator to unlock it.",
            ["50076"] = "multi-factor authentication is required: sign in interactively (browser or -UseDeviceAuthentication).",
            ["50079"] = "the account must register for multi-factor authentication first: sign in interactively once.",
            ["50126"] = "the user name or password is wrong.",
            ["50173"] = "the session's grant has expired: run Connect-AzStackHCI to sign in again.",
            ["53003"] = "a Conditional Access policy blocked the sign-in: ask the tenant's administrator which policy applies to this device or location.",
            ["65001"] = "consent to the application is missing: an administrator must grant it.",
            ["70021"] = "no federated credential of the application matches the token: compare its issuer, subject and audience with the application's federated credentials.",
            ["700211"] = "no federated credential of the application has the token's issuer: add one for this issuer, or check the token file.",
            ["700212"] = "no federated credential of the application accepts the token's audience (usually api://AzureADTokenExchange): request the token for that audience.",
            ["700213"] = "no federated credential of the application has the token's subject (for GitHub, repository plus branch, environment or tag): add one for this subject.",
            ["700016"] = "no application with that id is in the tenant: check the application id and -TenantId.",
            ["700024"] = "the client assertion is outside its valid time: get a fresh federated token (they live minutes), and check this computer's clock.",
            ["700027"] = "the client assertion's signature was not accepted: the certificate is not a key credential of the application, or a clock is wrong.",
            ["700082"] = "the refresh token expired after inactivity: run Connect-AzStackHCI to sign in again.",
            ["7000215"] = "the client secret is wrong: give the secret's value, not its id.",
            ["7000222"] = "the client secret has expired: create a new secret for the application.",
            ["90002"] = "the tenant was not found: check -TenantId and that the environment is the tenant's cloud.",
            ["90072"] = "the account is not in that tenant (a guest must be invited first): check -TenantId or sign in with an account of the tenant.",
            ["500011"] = "the service is not known in the tenant: register the resource provider or check the environment.",
        };

        /// <summary>"AADSTS…: meaning" for the first code in <paramref name="message"/>, or null when it has no known code.</summary>
        public static string? Explain(string message)
        {
            var match = Code.Match(message);
            return match.Success && Advice.TryGetValue(match.Groups["code"].Value, out var advice)
                ? $"AADSTS{match.Groups["code"].Value} means {advice}"
                : null;
        }
    }
}
