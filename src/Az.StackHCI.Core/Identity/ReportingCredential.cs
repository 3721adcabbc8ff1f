using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Operations;
using Azure.Core;

namespace Az.StackHCI.Core.Identity
{
    /// <summary>
    /// A remembered credential as one command uses it: its prompts and the SDK's retries of its token requests reach
    /// that command, not the command that first signed in (which may have ended).
    /// </summary>
    internal sealed class ReportingCredential : TokenCredential
    {
        private readonly TokenCredential _inner;
        private readonly IOperationReporter _reporter;

        public ReportingCredential(TokenCredential inner, IOperationReporter reporter)
        {
            _inner = inner;
            _reporter = reporter;
        }

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            using (CommandReporter.Use(_reporter))
            {
                return _inner.GetToken(requestContext, cancellationToken);
            }
        }

        public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            using (CommandReporter.Use(_reporter))
            {
                return await _inner.GetTokenAsync(requestContext, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
