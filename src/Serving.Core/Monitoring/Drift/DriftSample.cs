using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Core.Monitoring.Drift;

/// <summary>
/// What the drift queue holds of a request with more rows than <see cref="DriftSettings.MaxRowsPerRequest"/>: a
/// <see cref="RowSample"/> of its numeric batch tensors (inputs and outputs), copied, so the queue keeps neither the
/// request nor its answer alive. Tensors drift cannot read (BYTES) or that are not batches of the request's rows are
/// left out.
/// </summary>
internal static class DriftSample
{
    public static InferenceRecord Take(InferenceRecord record, int rows, int maxRows)
    {
        var sample = RowSample.Random(rows, maxRows);
        var response = record.Response is { } served
            ? new InferenceResponse
            {
                ModelName = served.ModelName,
                ModelVersion = served.ModelVersion,
                Route = served.Route,
                Id = served.Id,
                Outputs = Sampled(served.Outputs, sample),
            }
            : null;
        return record with { Request = record.Request with { Inputs = Sampled(record.Request.Inputs, sample) }, Response = response };
    }

    private static Tensor[] Sampled(IReadOnlyList<Tensor> tensors, RowSample sample)
    {
        var kept = new List<Tensor>(tensors.Count);
        foreach (var tensor in tensors)
        {
            if (tensor.DataType != TensorDataType.Bytes && RowSample.RowsOf(tensor) == sample.Of)
            {
                kept.Add(sample.Take(tensor));
            }
        }

        return [.. kept];
    }
}
