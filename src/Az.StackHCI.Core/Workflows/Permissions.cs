using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace Az.StackHCI.Core.Workflows
{
    /// <summary>
    /// Evaluates ARM's answer to "what may I do here" (Microsoft.Authorization/permissions) the way ARM decides:
    /// one entry allows an action when one of its actions matches and none of its notActions does.
    /// </summary>
    internal static class Permissions
    {
        public static bool Allows(IEnumerable<(IReadOnlyList<string> Actions, IReadOnlyList<string> NotActions)> permissions, string action) =>
            permissions.Any(p => p.Actions.Any(a => Matches(a, action)) && !p.NotActions.Any(n => Matches(n, action)));

        private static bool Matches(string pattern, string action) =>
            Regex.IsMatch(action, "^" + Regex.Escape(pattern).Replace("\\*", ".*") + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }
}
