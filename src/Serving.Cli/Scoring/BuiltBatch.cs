using Serving.Core.Contracts;

namespace Serving.Cli.Scoring;

/// <summary>A chunk made ready for the runtime: the rows kept, their input tensors (in signature order), and the rows refused.</summary>
internal sealed record BuiltBatch(RowBatch Rows, int[] Kept, Tensor[] Inputs, IReadOnlyList<RowRejection> Rejected);
