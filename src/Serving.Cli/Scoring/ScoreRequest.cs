namespace Serving.Cli.Scoring;

/// <summary>What <c>serving score</c> was asked to do.</summary>
internal sealed record ScoreRequest
{
    /// <summary>Rows per runtime call unless <c>--batch-size</c> says otherwise.</summary>
    public const int DefaultBatchSize = 4096;

    public required string Model { get; init; }

    /// <summary>The version to score with; null for the highest in the registry.</summary>
    public int? Version { get; init; }

    public required string RegistryPath { get; init; }

    public required string InputPath { get; init; }

    public required string OutputPath { get; init; }

    public required TableFormat InputFormat { get; init; }

    public required TableFormat OutputFormat { get; init; }

    public bool SkipInvalid { get; init; }

    public int BatchSize { get; init; } = DefaultBatchSize;
}
