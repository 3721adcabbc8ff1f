using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Operations;
using Azure.Core;

namespace Az.StackHCI.Core.Identity
{
    /// <summary>
    /// Tokens the caller obtained elsewhere (-ArmAccessToken, -GraphAccessToken). Each is checked before anything
    /// happens: it must not be expired and must be for the service it is given for. A request for a scope no
    /// supplied token covers fails clearly instead of sending the wrong token.
    /// </summary>
    internal sealed class SuppliedTokens : TokenCredential
    {
        // Tokens from MSAL often name the resource by its application id instead of its URL.
        private const string ArmApplicationId = "797f4846-ba00-4fd7-ba43-dac1f8f63013";
        private const string GraphApplicationId = "00000003-0000-0000-c000-000000000000";

        private readonly List<(string Audience, AccessToken Token, string Parameter, IReadOnlyCollection<string> Audiences)> _tokens =
            new List<(string, AccessToken, string, IReadOnlyCollection<string>)>();

        public SuppliedTokens(HciEnvironment environment, string armToken, string? graphToken, DateTimeOffset now)
        {
            Add("ArmAccessToken", armToken, new[] { environment.ResourceManagerAudience, environment.ResourceManagerEndpoint.AbsoluteUri, "https://management.azure.com/", "https://management.core.windows.net/", ArmApplicationId }, now);
            if (graphToken is not null)
            {
                Add("GraphAccessToken", graphToken, new[] { environment.GraphEndpoint.AbsoluteUri, GraphApplicationId }, now);
            }
        }

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            var resource = requestContext.Scopes.FirstOrDefault() ?? "";
            var wanted = resource.Substring(0, Math.Max(0, resource.LastIndexOf('/')));
            foreach (var (_, token, parameter, audiences) in _tokens)
            {
                if (audiences.Any(a => Same(a, wanted)))
                {
                    return token;
                }
            }

            throw new HciException("AccessTokenMissing", HciErrorCategory.AuthenticationError, resource,
                $"No supplied token is for '{resource}'. With -ArmAccessToken, also give -GraphAccessToken (a Microsoft Graph token of the same account), or sign in another way.");
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new ValueTask<AccessToken>(GetToken(requestContext, cancellationToken));

        private void Add(string parameter, string token, IReadOnlyCollection<string> audiences, DateTimeOffset now)
        {
            var claims = JwtClaims.Read(token);
            if (claims.Expires is DateTimeOffset expires && expires <= now)
            {
                throw new HciException("AccessTokenExpired", HciErrorCategory.AuthenticationError, parameter,
                    $"The token given with -{parameter} expired at {expires:u}. Get a new one and run the command again.");
            }

            var audience = claims.Audience;
            if (audience is null || !audiences.Any(a => Same(a, audience)))
            {
                throw new HciException("AccessTokenWrongAudience", HciErrorCategory.AuthenticationError, parameter,
                    $"The token given with -{parameter} is for '{audience ?? "(no audience)"}', not for {string.Join(" or ", audiences.Distinct())}. Get a token for the right service.");
            }

            _tokens.Add((audience, new AccessToken(token, claims.Expires ?? now.AddMinutes(5)), parameter, audiences));
        }

        private static bool Same(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
    }
}
