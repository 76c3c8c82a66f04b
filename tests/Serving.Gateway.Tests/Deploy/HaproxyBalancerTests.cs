using System.Diagnostics;
using System.Globalization;
using System.Net;
using Grpc.Net.Client;
using Serving.Gateway.Grpc.Protocol;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Deploy;

/// <summary>
/// deploy/compose/haproxy.cfg run by a real HAProxy in front of the real gateway: REST over HTTP/1.1 and OIP gRPC
/// over h2c both pass through, with the readiness check keeping the replica in service. Only what Docker supplies
/// is replaced (the DNS resolver and the service name, by the gateway's loopback address, and the listening
/// ports); a change to the file that these replacements no longer match fails here.
/// </summary>
public sealed class HaproxyBalancerTests(SampleGatewayFixture gateway) : IClassFixture<SampleGatewayFixture>
{
    private static string LoopbackConfig(int restPort, int grpcPort, int gatewayRest, int gatewayGrpc)
    {
        var rest = DeployAgreementTests.RestPort.ToString(CultureInfo.InvariantCulture);
        var grpc = DeployAgreementTests.GrpcPort.ToString(CultureInfo.InvariantCulture);
        var lines = File.ReadAllLines(DeployPaths.HaproxyConfig).ToList();

        // The resolvers section: its header and indented lines up to the next section.
        var start = lines.FindIndex(l => l == "resolvers docker");
        Assert.True(start >= 0, "haproxy.cfg has no 'resolvers docker' section; update the check");
        var end = lines.FindIndex(start + 1, l => l.Length > 0 && !char.IsWhiteSpace(l[0]));
        lines.RemoveRange(start, end - start);

        var config = string.Join('\n', lines) + '\n';
        foreach (var (from, to) in new[]
                 {
                     (" resolvers docker init-addr none", string.Empty),
                     ($"bind :{rest}\n", $"bind 127.0.0.1:{restPort}\n"),
                     ($"bind :{grpc} proto h2\n", $"bind 127.0.0.1:{grpcPort} proto h2\n"),
                     ($"server-template gateway 1-10 gateway:{rest} check\n", $"server gateway1 127.0.0.1:{gatewayRest} check\n"),
                     ($"server-template gateway 1-10 gateway:{grpc} proto h2 check port {rest} check-proto h1\n",
                         $"server gateway1 127.0.0.1:{gatewayGrpc} proto h2 check port {gatewayRest} check-proto h1\n"),
                 })
        {
            Assert.True(config.Contains(from, StringComparison.Ordinal), $"haproxy.cfg no longer has '{from.Trim()}'; update the check");
            config = config.Replace(from, to, StringComparison.Ordinal);
        }

        return config;
    }

    [Fact]
    public async Task Rest_and_grpc_pass_through_the_balancer_to_a_ready_gateway()
    {
        var haproxy = RequiredTool.Find("haproxy", "apt-get install haproxy");
        var cancellation = TestContext.Current.CancellationToken;
        var (restPort, grpcPort) = (FreePorts.Next(), FreePorts.Next());
        var folder = Directory.CreateTempSubdirectory("haproxy-");
        var config = Path.Combine(folder.FullName, "haproxy.cfg");
        File.WriteAllText(config, LoopbackConfig(restPort, grpcPort, gateway.Host.RestPort, gateway.Host.GrpcPort));
        var start = new ProcessStartInfo(haproxy) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-db", "-f", config })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var log = process.StandardError.ReadToEndAsync(cancellation);
        _ = process.StandardOutput.ReadToEndAsync(cancellation);
        try
        {
            using var rest = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{restPort}"), Timeout = TimeSpan.FromSeconds(10) };
            var ready = await UntilOkAsync(rest, "/v2/health/ready", process, cancellation);
            Assert.True(ready, $"the balancer did not pass /v2/health/ready within 15 s:\n{(process.HasExited ? await log : string.Empty)}");

            using var infer = await rest.PostAsync(
                "/v2/models/breast-cancer/infer",
                new StringContent($$"""{"inputs":[{"name":"input","shape":[1,30],"datatype":"FP32","data":[{{BreastCancerRows.Json(0)}}]}]}"""),
                cancellation);
            Assert.Equal(HttpStatusCode.OK, infer.StatusCode);

            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
            var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
            var serverReady = await client.ServerReadyAsync(new ServerReadyRequest(), cancellationToken: cancellation);
            var input = new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { 1, 30 }, Contents = new InferTensorContents() };
            input.Contents.Fp32Contents.AddRange(BreastCancerRows.Row(0));
            var answer = await client.ModelInferAsync(new ModelInferRequest { ModelName = "breast-cancer", Inputs = { input } }, cancellationToken: cancellation);

            Assert.True(serverReady.Ready);
            Assert.Equal("breast-cancer", answer.ModelName);
            Assert.NotEmpty(answer.Outputs);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(cancellation);
            folder.Delete(recursive: true);
        }
    }

    private static async Task<bool> UntilOkAsync(HttpClient client, string path, Process process, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(path, cancellation);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, cancellation);
        }

        return false;
    }
}
