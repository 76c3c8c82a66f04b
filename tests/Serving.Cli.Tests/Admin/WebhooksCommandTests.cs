using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Serving.Cli.Tests.Admin;

/// <summary><c>serving webhooks …</c> end to end against the real gateway and a real receiver.</summary>
public sealed class WebhooksCommandTests
{
    [Fact]
    public async Task Create_list_deliveries_redeliver_and_delete_work_through_the_admin_api()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await CliGatewayHost.StartAsync(versions: 1);

        var created = await host.RunAsync(CliGatewayHost.FullKey, "webhooks", "create", "--receiver", receiver.Url.ToString(), "--event", "version.failed", "--json");
        Assert.Equal(0, created.ExitCode);
        using var createdJson = JsonDocument.Parse(created.Result);
        var id = createdJson.RootElement.GetProperty("id").GetString()!;
        var secret = createdJson.RootElement.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);

        var list = await host.RunAsync(CliGatewayHost.ReadKey, "webhooks", "list");
        var tsv = await host.RunAsync(CliGatewayHost.ReadKey, "webhooks", "list", "--output", "tsv");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(id, list.Messages, StringComparison.Ordinal);
        Assert.Contains("version.failed", list.Messages, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[6..], list.Messages + list.Result + tsv.Messages + tsv.Result, StringComparison.Ordinal);
        Assert.Equal("id\turl\tevents\tsource\tcreated_at", tsv.Result.Split('\n')[0]);

        await PublishAsync(host.Url, """{"id":"run-1-failed","type":"version.failed","data":{"model":"iris","reason":"gate"}}""");
        await receiver.WaitForAsync(r => r.Count == 1);
        var deliveries = await WaitDeliveredAsync(host, "run-1-failed");
        Assert.Matches(@"run-1-failed\s*│\s*version\.failed\s*│\s*wh_[0-9a-f]+\s*│\s*delivered\s*│\s*1\s*│\s*HTTP 200", deliveries.Messages);

        var redeliver = await host.RunAsync(CliGatewayHost.FullKey, "webhooks", "redeliver", "run-1-failed", "--subscription", id, "--output", "tsv");
        Assert.Equal(0, redeliver.ExitCode);
        Assert.StartsWith("event\ttype\tsubscription\tstate", redeliver.Result, StringComparison.Ordinal);
        await receiver.WaitForAsync(r => r.Count == 2);

        var missing = await host.RunAsync(CliGatewayHost.FullKey, "webhooks", "redeliver", "nope");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no event 'nope' in the outbox", missing.Messages, StringComparison.Ordinal);

        var deleted = await host.RunAsync(CliGatewayHost.FullKey, "webhooks", "delete", id);
        Assert.Equal(0, deleted.ExitCode);
        Assert.Contains($"deleted subscription {id}", deleted.Messages, StringComparison.Ordinal);
        Assert.DoesNotContain(id, (await host.RunAsync(CliGatewayHost.ReadKey, "webhooks", "list", "--json")).Result, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_with_the_read_only_key_is_refused_with_the_servers_message()
    {
        await using var host = await CliGatewayHost.StartAsync(versions: 1);

        var run = await host.RunAsync(CliGatewayHost.ReadKey, "webhooks", "create", "--receiver", "http://127.0.0.1:9/x");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("this key may only read (HTTP 403)", run.Messages.Replace("; changes need the full admin key", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private static async Task PublishAsync(string url, string body)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CliGatewayHost.FullKey);
        using var response = await http.PostAsync("/admin/events", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static async Task<Commands.CliRun> WaitDeliveredAsync(CliGatewayHost host, string eventId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var run = await host.RunAsync(CliGatewayHost.ReadKey, "webhooks", "deliveries", "--event", eventId);
            Assert.Equal(0, run.ExitCode);
            if (run.Messages.Contains("delivered", StringComparison.Ordinal) || DateTime.UtcNow > deadline)
                return run;
            await Task.Delay(50);
        }
    }
}
