using Az.StackHCI.Core.Workflows;
using Az.StackHCI.Core.Workflows.Registration;
using Xunit;

namespace Az.StackHCI.Tests;

/// <summary>Progress comes from each workflow's declared step list: every step further along than the one before.</summary>
public sealed class StepProgressTests
{
    [Fact]
    public void Percentages_follow_the_declared_order_of_the_steps()
    {
        var steps = Enum.GetValues<RegistrationStep>();
        var percents = steps.Select(StepProgress<RegistrationStep>.PercentOf).ToList();

        Assert.Equal(0, percents[0]);
        Assert.All(percents.Zip(percents.Skip(1)), pair => Assert.True(pair.Second > pair.First, $"{pair.First} then {pair.Second}"));
        Assert.True(percents[^1] < 100);
    }

    [Fact]
    public void A_step_reports_its_status_and_percentage()
    {
        var reporter = new RecordingReporter();
        var progress = new StepProgress<RegistrationStep>(reporter, 1, "Registering");

        progress.Step(RegistrationStep.Certificates, "Getting new certificates");

        var record = Assert.Single(reporter.Progress);
        Assert.Equal("Getting new certificates", record.Status);
        Assert.Equal(StepProgress<RegistrationStep>.PercentOf(RegistrationStep.Certificates), record.PercentComplete);
        Assert.Contains("Getting new certificates.", reporter.Verbose);
    }
}
