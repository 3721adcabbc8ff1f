using System.Net;
using System.Text;
using Az.StackHCI.Lab.Hosting;

namespace Az.StackHCI.Lab.Authority;

/// <summary>
/// The verification page a device code message points at: a person enters the code, picks a lab user and
/// approves (or declines) the sign-in. Unattended tests use the control API or auto-approval instead.
/// </summary>
internal static class DeviceLoginPage
{
    public static void Map(WebApplication app, LabContext lab)
    {
        app.MapGet("/devicelogin", () => Page(lab, null));
        app.MapPost("/devicelogin", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var code = form["user_code"].ToString().Trim().Replace("-", "", StringComparison.Ordinal);
            var userName = form["user"].ToString();
            var decline = form["action"] == "decline";
            var state = lab.State;
            lock (state.Sync)
            {
                var grant = state.DeviceCodes.Values.FirstOrDefault(g => string.Equals(g.UserCode, code, StringComparison.OrdinalIgnoreCase));
                var user = state.FindUser(userName);
                if (grant is null || grant.Redeemed || state.Now > grant.ExpiresAt)
                {
                    return Page(lab, "That code is not waiting for a sign-in (wrong, used or expired). Check the code and try again.");
                }

                if (user is null)
                {
                    return Page(lab, $"There is no user '{userName}'.");
                }

                if (decline)
                {
                    grant.Declined = true;
                    return Page(lab, "Sign-in declined. You can close this window.");
                }

                grant.ApprovedUser = user.UserPrincipalName;
                return Page(lab, $"Signed in as {user.SignInName}. You can close this window and return to your application.");
            }
        });
    }

    private static IResult Page(LabContext lab, string? message)
    {
        string[] users;
        lock (lab.State.Sync)
        {
            users = lab.State.Users.Values.Select(u => u.SignInName).OrderBy(u => u, StringComparer.Ordinal).ToArray();
        }

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Az.StackHCI Lab sign-in</title></head><body>");
        html.Append("<h1>Az.StackHCI Lab: sign in on another device</h1>");
        if (message is not null)
        {
            html.Append("<p role=\"status\">").Append(WebUtility.HtmlEncode(message)).Append("</p>");
        }

        html.Append("<form method=\"post\" action=\"/devicelogin\"><p><label>Code <input name=\"user_code\" autocomplete=\"off\" required></label></p>");
        html.Append("<p><label>User <select name=\"user\">");
        foreach (var user in users)
        {
            html.Append("<option>").Append(WebUtility.HtmlEncode(user)).Append("</option>");
        }

        html.Append("</select></label></p><p><button name=\"action\" value=\"approve\">Sign in</button> ");
        html.Append("<button name=\"action\" value=\"decline\">Decline</button></p></form></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }
}
