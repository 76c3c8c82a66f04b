using Microsoft.ML;
using Serving.Core.Contracts;

namespace Serving.Core.Runtimes.MLNet;

/// <summary>
/// What a <c>PredictionEngine</c> is inside, without its compile-time row classes: a row-to-row mapper over a
/// movable input row, with its output getters made once. Not thread-safe; <see cref="MLNetEnginePool"/> lends it
/// to one call at a time.
/// </summary>
internal sealed class MLNetEngine : IDisposable
{
    private readonly TensorInputRow _input;
    private readonly DataViewRow _output;
    private readonly IDisposable? _mapper;
    private readonly Dictionary<string, MLNetOutputReader> _readers;

    public MLNetEngine(ITransformer model, MLNetModelLayout layout)
    {
        _input = new TensorInputRow(layout);
        var mapper = model.GetRowToRowMapper(layout.InputSchema);
        _mapper = mapper as IDisposable;
        var outputColumns = layout.Outputs.Select(o => mapper.OutputSchema[o.Column.Index]).ToArray();
        _output = mapper.GetRow(_input, outputColumns);
        _readers = layout.Outputs.ToDictionary(o => o.Name, o => MLNetOutputReader.Create(o, _output), StringComparer.Ordinal);
    }

    /// <summary>Scores <paramref name="rows"/> rows, one at a time, and returns the asked outputs as [N] or [N,k] tensors.</summary>
    public Tensor[] Run(Tensor[] inputsBySlot, int rows, IReadOnlyList<string> outputNames, CancellationToken cancellationToken)
    {
        var readers = new MLNetOutputReader[outputNames.Count];
        for (var i = 0; i < readers.Length; i++)
        {
            readers[i] = _readers[outputNames[i]];
            readers[i].Begin(rows);
        }

        _input.Bind(inputsBySlot, rows);
        try
        {
            for (var row = 0; row < rows; row++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                _input.MoveTo(row);
                foreach (var reader in readers)
                {
                    reader.Read(row);
                }
            }
        }
        finally
        {
            _input.Unbind();
        }

        var outputs = new Tensor[readers.Length];
        for (var i = 0; i < readers.Length; i++)
        {
            outputs[i] = readers[i].End();
        }

        return outputs;
    }

    public void Dispose()
    {
        _output.Dispose();
        _input.Dispose();
        _mapper?.Dispose();
    }
}
