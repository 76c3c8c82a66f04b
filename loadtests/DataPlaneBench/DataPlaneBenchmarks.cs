using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Gateway.Hosting;
using Serving.Gateway.Rest.Oip;

namespace Serving.LoadTests.DataPlaneBench;

/// <summary>
/// One single-row OIP REST request through the gateway's own data plane, without the HTTP server: the body is
/// decoded (<see cref="OipJsonRequestReader"/>), routed and run (<see cref="IInferenceService"/>, the real one,
/// wired by the gateway's own start-up with its hosted services running, so every observer sees the request and
/// the monitoring consumers do their work in this process) and encoded (<see cref="OipJsonResponseWriter"/>).
/// MemoryDiagnoser counts every byte the process allocated per request, background monitoring included.
/// </summary>
public class DataPlaneBenchmarks
{
    private static readonly string Repository = FindRepository();

    private WebApplication? _app;
    private IInferenceService _service = null!;
    private byte[] _body = [];
    private ArrayBufferWriter<byte> _buffer = null!;
    private Utf8JsonWriter _writer = null!;
    private string _data = string.Empty;

    /// <summary>defaults: every default monitor on; monitoring-off: prediction log, drift and live performance off.</summary>
    [Params("defaults", "monitoring-off")]
    public string Gateway { get; set; } = "defaults";

    /// <summary>Rows per request: 1 (the single-row case) or 64 (dataplane.sh's batch scenario: one row repeated).</summary>
    [Params(1, 64)]
    public int Rows { get; set; } = 1;

    /// <summary>Wraps each monitoring consumer in a <see cref="TimedConsumer"/> (the "phases" breakdown).</summary>
    internal bool TimeConsumers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = Path.Combine(Path.GetTempPath(), "dataplane-bench-" + Guid.NewGuid().ToString("N"));
        // The phases mode also takes log-only, drift-only and performance-only, to tell the monitors' costs apart.
        var monitoring = Gateway == "defaults" ? "true" : "false";
        // "<monitor>-numbers": the same, with inputs decoded without their JSON text, so the log writes every number.
        string Monitor(string only) => Gateway == only || Gateway == only + "-numbers" ? "true" : monitoring;
        string[] args =
        [
            "--Serving:Registry:Path=" + Path.Combine(Repository, "models"),
            "--Serving:DataPath=" + _data,
            "--Serving:DefaultModel=breast-cancer",
            "--Serving:Monitoring:PredictionLog:Enabled=" + Monitor("log-only"),
            "--Serving:Monitoring:Drift:Enabled=" + Monitor("drift-only"),
            "--Serving:Monitoring:Performance:Enabled=" + Monitor("performance-only"),
            "--Logging:LogLevel:Default=Warning",
            "--Kestrel:Endpoints:Http:Url=http://127.0.0.1:0",
            "--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:0",
        ];
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddServingGateway();
        if (TimeConsumers)
        {
            TimedConsumer.WrapAll(builder.Services);
        }

        _app = builder.Build();
        _app.MapServingEndpoints();
        _app.StartAsync().GetAwaiter().GetResult();
        _service = _app.Services.GetRequiredService<IInferenceService>();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!Ready())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("breast-cancer did not become ready in 60 s");
            }

            Thread.Sleep(100);
        }

        _body = Encoding.UTF8.GetBytes(RowRequest(Path.Combine(Repository, "loadtests", "payload", "breast-cancer-row.csv"), Rows));
        _buffer = new ArrayBufferWriter<byte>(4096);
        _writer = new Utf8JsonWriter(_buffer, OipJsonResponseWriter.RelaxedOptions);
        Request().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _app?.StopAsync().GetAwaiter().GetResult();
        (_app as IDisposable)?.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A scratch folder left in /tmp is no failure of the benchmark.
        }
    }

    /// <summary>Decode, route, validate, run, observe, encode: what one REST infer costs the gateway beyond HTTP.</summary>
    [Benchmark]
    public async Task<int> Request()
    {
        var response = await _service.InferAsync(Decode(), CancellationToken.None);
        return Encode(response);
    }

    internal IInferenceService Service => _service;

    internal Serving.Core.Registry.ModelRegistry Registry => _app!.Services.GetRequiredService<Serving.Core.Registry.ModelRegistry>();

    // As the endpoint decodes: inputs keep their JSON text for the prediction log while there is one.
    internal InferenceRequest Decode() => OipJsonRequestReader.ReadWithBinaryParts(
        _body, new OipBinaryParts([], hasHeader: false), "breast-cancer", null, Serving.Core.Inference.PredictionIds.DefaultMaxLength, Gateway is "defaults" or "log-only", out _);

    internal int Encode(InferenceResponse response)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        OipJsonResponseWriter.WriteInferResponse(_writer, response);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    private bool Ready()
    {
        try
        {
            return _service.IsModelReady("breast-cancer", null);
        }
        catch (InferenceException)
        {
            return false;
        }
    }

    private static string RowRequest(string csv, int rows)
    {
        var values = File.ReadAllLines(csv)[1].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)).ToArray();
        var data = string.Join(",", Enumerable.Repeat(string.Join(",", values), rows));
        return $"{{\"inputs\":[{{\"name\":\"input\",\"shape\":[{rows},{values.Length}],\"datatype\":\"FP32\",\"data\":[{data}]}}]}}";
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Serving.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
