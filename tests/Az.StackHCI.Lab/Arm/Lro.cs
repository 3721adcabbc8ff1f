using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Arm;

/// <summary>
/// Long-running operations in ARM RPC style (wire protocols §1.7). Everything completes synchronously unless a lab
/// setting (control PUT /async-operations) picks the operation: then the change happens at once, but the answer is
/// 202 with absolute Azure-AsyncOperation and Location URLs that report InProgress until the operation's time is up.
/// Operations the spec allows only as 202 (uploadCertificate) or that the provider always runs long
/// (initializeDisableProcess, for the lab's arcDisableMs) are answered so without a rule. A POST's result ends up
/// under the status resource's "properties" (final-state-via azure-async-operation), e.g. createClusterIdentity's
/// ClusterIdentityResponse properties.
/// </summary>
internal static class Lro
{
    /// <summary>The answer to send: the handler's own, or 202 when the operation runs asynchronously.</summary>
    public static ArmResult Finish(ArmCall call, ArmRoute route, ArmResult result)
    {
        if (result.Status is < 200 or > 299)
        {
            return result;
        }

        var rule = route.MayRunAsync || route.AlwaysAsync
            ? call.State.Settings.AsyncOperations.FirstOrDefault(r => string.Equals(r.Method, call.Method, StringComparison.OrdinalIgnoreCase)
                && Regex.IsMatch(call.Path, r.Path, RegexOptions.IgnoreCase))
            : null;
        if (rule is null && !route.AlwaysAsync)
        {
            return result;
        }

        var operation = new LabOperation
        {
            Id = call.State.NewId(),
            StartedAt = call.Now,
            CompletesAt = call.Now.AddMilliseconds(route.AsyncDurationMs ?? rule?.DurationMs ?? 0),
            StatusCode = result.Status,
            Result = result.Body?.DeepClone(),
        };
        call.State.Operations[operation.Id] = operation;
        var ns = route.ApiType[..route.ApiType.IndexOf('/')];
        var region = RegionOf(call, route.Scope, result.Body);
        var accepted = new ArmResult(202);
        accepted.Headers["Azure-AsyncOperation"] = OperationUrl(call, ns, region, "operationStatuses", operation.Id);
        accepted.Headers["Location"] = OperationUrl(call, ns, region, "operationResults", operation.Id);
        accepted.Headers["Retry-After"] = "0";
        return accepted;
    }

    /// <summary>GET …/operationStatuses/{id}: always 200; status InProgress, then Succeeded with the result's properties.</summary>
    public static ArmResult Status(ArmCall call, string id)
    {
        var operation = Require(call, id);
        var done = call.Now >= operation.CompletesAt;
        var body = new JsonObject
        {
            ["id"] = call.Path,
            ["name"] = operation.Id,
            ["status"] = done ? "Succeeded" : "InProgress",
            ["startTime"] = ArmJson.Time(operation.StartedAt),
        };
        if (done)
        {
            body["endTime"] = ArmJson.Time(operation.CompletesAt);
            body["percentComplete"] = 100;
            if (operation.Result is JsonObject result)
            {
                body["properties"] = (result["properties"] as JsonObject ?? result).DeepClone();
            }
        }
        else
        {
            var total = (operation.CompletesAt - operation.StartedAt).TotalMilliseconds;
            body["percentComplete"] = Math.Round(100 * (call.Now - operation.StartedAt).TotalMilliseconds / Math.Max(total, 1), 1);
        }

        return ArmResult.Ok(body);
    }

    /// <summary>GET …/operationResults/{id}: 202 while running, then exactly what the synchronous call answered.</summary>
    public static ArmResult Result(ArmCall call, string id)
    {
        var operation = Require(call, id);
        if (call.Now < operation.CompletesAt)
        {
            var pending = new ArmResult(202);
            pending.Headers["Location"] = call.Url(call.Path.TrimStart('/') + "?api-version=" + Uri.EscapeDataString(call.ApiVersion!));
            pending.Headers["Retry-After"] = "0";
            return pending;
        }

        return new ArmResult(operation.StatusCode, operation.Result?.DeepClone());
    }

    private static LabOperation Require(ArmCall call, string id) =>
        call.State.Operations.TryGetValue(id, out var operation)
            ? operation
            : throw new ArmException(404, "OperationNotFound", $"The operation '{id}' could not be found.");

    private static string OperationUrl(ArmCall call, string ns, string region, string kind, string id) =>
        call.Url($"{ArmIds.Subscription(call.State)}/providers/{ns}/locations/{region}/{kind}/{id}?api-version={Uri.EscapeDataString(call.ApiVersion!)}");

    /// <summary>Operations live in the region of their resource (or its group).</summary>
    private static string RegionOf(ArmCall call, string scope, JsonNode? result)
    {
        if (ArmJson.String(result?["location"]) is string location)
        {
            return ArmIds.NormalizeLocation(location);
        }

        var owner = call.State.Resources.Values.Where(r => Rbac.Covers(r.Id, scope) && r.Body["location"] is not null).OrderByDescending(r => r.Id.Length).FirstOrDefault();
        if (owner is not null)
        {
            return ArmIds.NormalizeLocation(ArmJson.String(owner.Body["location"])!);
        }

        return ArmIds.ResourceGroupOf(scope) is string group && call.State.ResourceGroups.TryGetValue(group, out var found) ? found.Location : "eastus";
    }
}
