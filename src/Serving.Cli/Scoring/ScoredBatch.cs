using Serving.Core.Contracts;

namespace Serving.Cli.Scoring;

/// <summary>A chunk after the runtime: the input rows kept (indexes into <see cref="Rows"/>) and the outputs, one row each, in signature order.</summary>
internal sealed record ScoredBatch(RowBatch Rows, int[] Kept, Tensor[] Outputs)
{
    /// <summary>The chunk's output text, when the writer prepared it ahead (<see cref="IScoreWriter.Prepare"/>).</summary>
    public Utf8Block? Encoded { get; init; }
}
