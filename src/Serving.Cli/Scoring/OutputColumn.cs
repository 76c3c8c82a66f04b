using Serving.Core.Contracts;

namespace Serving.Cli.Scoring;

/// <summary>One appended output column: element <see cref="Offset"/> of each row of output tensor <see cref="Output"/>.</summary>
internal sealed record OutputColumn(string Name, int Output, int Offset, int Width, TensorDataType DataType);
