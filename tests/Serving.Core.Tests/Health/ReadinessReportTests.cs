using Serving.Core.Health;

namespace Serving.Core.Tests.Health;

public sealed class ReadinessReportTests
{
    [Fact]
    public void A_required_detail_that_is_not_ready_makes_the_server_not_ready_and_gives_the_reason()
    {
        var report = new ReadinessReport([new("registry", false, "registry folder '/x' does not exist"), new("other", true)]);

        Assert.False(report.Ready);
        Assert.Equal("registry: registry folder '/x' does not exist", report.Reason);
    }

    [Fact]
    public void An_optional_detail_is_reported_but_does_not_make_the_server_unready()
    {
        var report = new ReadinessReport([new("registry", true), new("data-path", false, "not writable", Required: false)]);

        Assert.True(report.Ready);
        Assert.Null(report.Reason);
        Assert.Contains(report.Details, d => d is { Name: "data-path", Ready: false, Reason: "not writable" });
    }

    [Fact]
    public void The_probe_asks_every_detail_each_time_in_registration_order()
    {
        var flag = new FlagDetail();
        var probe = new ReadinessProbe([flag, new FixedDetail()]);

        var before = probe.Check();
        flag.Ready = true;
        var after = probe.Check();

        Assert.False(before.Ready);
        Assert.True(after.Ready);
        Assert.Equal(["flag", "fixed"], after.Details.Select(d => d.Name));
    }

    private sealed class FlagDetail : IReadinessDetail
    {
        public bool Ready { get; set; }

        public ReadinessDetail Check() => new("flag", Ready, Ready ? null : "flag is down");
    }

    private sealed class FixedDetail : IReadinessDetail
    {
        public ReadinessDetail Check() => new("fixed", true);
    }
}
