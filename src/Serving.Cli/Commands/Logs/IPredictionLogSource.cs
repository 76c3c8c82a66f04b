namespace Serving.Cli.Commands.Logs;

/// <summary>One model's prediction log as <c>serving logs tail</c> reads it: records as JSON, oldest first.</summary>
internal interface IPredictionLogSource
{
    /// <summary>Where it reads from, for messages.</summary>
    string Description { get; }

    /// <summary>Whether the model has any log here at all.</summary>
    Task<bool> ExistsAsync(CancellationToken cancellationToken);

    /// <summary>The last <paramref name="count"/> records, and marks them read so <see cref="ReadNewAsync"/> starts after them.</summary>
    Task<IReadOnlyList<string>> TailAsync(int count, CancellationToken cancellationToken);

    /// <summary>Records written since the last call (or since the tail), oldest first; empty when none.</summary>
    Task<IReadOnlyList<string>> ReadNewAsync(CancellationToken cancellationToken);
}
