using System.Net;
using System.Runtime.Versioning;
using System.Text;
using Serving.Gateway.Tests.Hosting;
using Serving.Gateway.Tests.Rest.Admin;

namespace Serving.Gateway.Tests.Webhooks;

/// <summary>The outbox across restarts: an orderly one in process, and <c>kill -9</c> of the built gateway.</summary>
[UnsupportedOSPlatform("windows")] // Unix file modes for the unprivileged gateway process.
public sealed class WebhookRestartTests : IDisposable
{
    private readonly SampleRegistry _registry = AdminRegistry.Iris(1);
    private readonly string _work = Directory.CreateTempSubdirectory("webhook-restart-").FullName;

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    private static string Event(string id) => """{"id":"ID","type":"version.failed","data":{"model":"iris","reason":"gate refused"}}""".Replace("ID", id, StringComparison.Ordinal);

    [Fact]
    public async Task Undelivered_events_are_delivered_once_after_a_restart_and_delivered_ones_are_not_resent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (r, _) => r.Id == "early" ? 200 : 503;
        var settings = WebhookAdminTests.Settings(receiver);

        await using (var first = await new AdminGatewayHost(_registry.Path, settings: settings).StartAsync())
        {
            using var client = first.CreateClient(AdminGatewayHost.FullKey);
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/admin/events", Event("early"))).Status);
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/admin/events", Event("late"))).Status);
            await receiver.WaitForAsync(r => r.Any(x => x.Id == "early") && r.Any(x => x.Id == "late"));
        }

        receiver.Answer = (_, _) => 200;
        await using var second = await new AdminGatewayHost(_registry.Path, settings: settings).StartAsync();
        await receiver.WaitForAsync(r => r.Any(x => x.Id == "late" && x.Answered == 200));
        await Task.Delay(500, TestContext.Current.CancellationToken); // room for a wrong resend to show

        Assert.Single(receiver.Received, r => r.Id == "early");
        Assert.Single(receiver.Received, r => r.Id == "late" && r.Answered == 200);
    }

    [Fact]
    public async Task After_kill_9_every_acknowledged_event_is_delivered_exactly_once_and_none_delivered_before_is_resent()
    {
        const UnixFileMode Open = (UnixFileMode)0b111_101_101;
        File.SetUnixFileMode(_work, Open);
        File.SetUnixFileMode(_registry.Path, Open); // temporary folders are 0700: let an unprivileged gateway read it
        var data = Path.Combine(_work, "data");
        Directory.CreateDirectory(data);
        File.SetUnixFileMode(data, (UnixFileMode)0b111_111_111); // the gateway may run as nobody
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (r, _) => r.Id == "before" ? 200 : 503;
        string[] subscription =
        [
            $"--Serving:Webhooks:Subscriptions:0:Url={receiver.Url}",
            "--Serving:Webhooks:Subscriptions:0:Secret=whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=",
            "--Serving:Webhooks:FirstRetryDelay=00:00:00.050",
            "--Serving:Webhooks:MaxRetryDelay=00:00:00.200",
        ];

        await using (var first = await GatewayProcess.StartAsync(_work, _registry.Path, data, subscription))
        {
            using var client = first.CreateClient();
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/admin/events", Json(Event("before")), TestContext.Current.CancellationToken)).StatusCode);
            await receiver.WaitForAsync(r => r.Any(x => x.Id == "before"));
            await Task.Delay(300, TestContext.Current.CancellationToken); // its 'delivered' line is written just after the 200
            for (var i = 0; i < 5; i++)
                Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/admin/events", Json(Event($"after-{i}")), TestContext.Current.CancellationToken)).StatusCode);
        } // disposing kills the process (SIGKILL): no orderly shutdown

        receiver.Answer = (_, _) => 200;
        await using var second = await GatewayProcess.StartAsync(_work, _registry.Path, data, subscription);
        await receiver.WaitForAsync(r => Enumerable.Range(0, 5).All(i => r.Any(x => x.Id == $"after-{i}" && x.Answered == 200)), TimeSpan.FromSeconds(30));
        await Task.Delay(500, TestContext.Current.CancellationToken);

        Assert.Single(receiver.Received, r => r.Id == "before");
        for (var i = 0; i < 5; i++)
            Assert.Single(receiver.Received, r => r.Id == $"after-{i}" && r.Answered == 200);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
