using System.Diagnostics;
using System.Globalization;
using System.Text;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Monitoring.Logging;
using Serving.Gateway.Rest.Oip;

namespace Serving.LoadTests.DataPlaneBench;

/// <summary>
/// The prediction log's layout of one single-row record in a tight loop on one thread, its inputs' values written
/// as numbers against copied from the request's kept JSON text: what keeping the text saves the log per request.
/// </summary>
internal static class LayoutCost
{
    public static void Run(double seconds)
    {
        var body = Encoding.UTF8.GetBytes(
            """{"inputs":[{"name":"input","shape":[1,30],"datatype":"FP32","data":[17.99,10.38,122.8,1001,0.1184,0.2776,0.3001,0.1471,0.2419,0.07871,1.095,0.9053,8.589,153.4,0.006399,0.04904,0.05373,0.01587,0.03003,0.006193,25.38,17.33,184.6,2019,0.1622,0.6656,0.7119,0.2654,0.4601,0.1189]}]}""");
        InferenceRequest Decode(bool keep) => OipJsonRequestReader.ReadWithBinaryParts(
            body, new OipBinaryParts([], hasHeader: false), "breast-cancer", null, PredictionIds.DefaultMaxLength, keep, out _);
        var outputs = new[]
        {
            Tensor.FromValues("label", TensorDataType.Int64, [1, 1], (ReadOnlySpan<long>)[0L]),
            Tensor.FromValues("probability", TensorDataType.FP32, [1, 1], (ReadOnlySpan<float>)[0.008274943f]),
        };
        InferenceRecord Record(bool keep) => new("breast-cancer", 2, RouteKind.Stable, "rest", DateTimeOffset.UtcNow,
            TimeSpan.FromMilliseconds(0.2), null, Decode(keep), new InferenceResponse { ModelName = "breast-cancer", ModelVersion = "2", Id = "87964ffc1a7380f90000000000000001", Outputs = outputs });

        var kept = Record(keep: true);
        var numbers = Record(keep: false);
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var (name, record) in new[] { ("numbers", numbers), ("kept text", kept), ("numbers", numbers), ("kept text", kept) })
            {
                var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
                var start = ThreadCpu.Nanoseconds();
                long calls = 0;
                while (Stopwatch.GetTimestamp() < until)
                {
                    for (var i = 0; i < 1024; i++)
                    {
                        PredictionRecordWriter.ToUtf8(record);
                    }

                    calls += 1024;
                }

                if (pass == 1)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  layout, {name}: {(ThreadCpu.Nanoseconds() - start) / (double)calls:F0} CPU ns per record"));
                }
            }
        }
    }
}
