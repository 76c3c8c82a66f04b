namespace Serving.Cli.Scoring;

/// <summary>
/// One run's reader, writers and counts, and the commit of a chunk in its turn: its bad rows reported (or listed in
/// the side file with <c>--skip-invalid</c>), its scored rows written, its memory handed back. Commits happen one at a
/// time and in file order (<see cref="ChunkWorkers"/> sees to it).
/// </summary>
internal sealed class ScoringRun
{
    private readonly ScoreRequest _request;
    private readonly RejectedRowsWriter? _rejected;

    public ScoringRun(ScoreRequest request, ITableReader reader, RejectedRowsWriter? rejected, Action<double> progress)
    {
        _request = request;
        Reader = reader;
        _rejected = rejected;
        Progress = progress;
    }

    public ITableReader Reader { get; }

    public int BatchSize => _request.BatchSize;

    public Action<double> Progress { get; }

    public ScoreTimings Timings { get; } = new();

    /// <summary>The output's writer, made once the first scored chunk has said which columns the output gets.</summary>
    public IScoreWriter? Writer { get; set; }

    public long Scored { get; private set; }

    public long Refused { get; private set; }

    /// <summary>Whether a chunk's bad row ends the run (no <c>--skip-invalid</c>): such a chunk need not be scored.</summary>
    public bool StopsAtBadRow => _rejected is null;

    /// <summary>"line" for a CSV input, "row" for Parquet, as the user counts them.</summary>
    public string LineWord => _request.InputFormat == TableFormat.Csv ? "line" : "row";

    /// <summary>Commits a chunk in its turn; throws its failure, or its first bad row when the run stops at one.</summary>
    public async Task CommitAsync(ChunkOutcome outcome, CancellationToken cancellationToken)
    {
        outcome.Failure?.Throw();
        var chunk = outcome.Built!;
        foreach (var rejection in chunk.Rejected)
        {
            if (_rejected is null)
            {
                throw new ScoringException($"{LineWord} {rejection.Line}: {rejection.Reason} (pass --skip-invalid to skip such rows and list them in {Path.GetFileName(_request.OutputPath)}{RejectedRowsWriter.Suffix})");
            }

            _rejected.Add(rejection);
            Refused++;
        }

        if (outcome.Scored is { } scored)
        {
            var started = ScoreTimings.Start();
            await Writer!.WriteAsync(scored, cancellationToken).ConfigureAwait(false);
            Timings.Add(ScoreStage.Write, started);
            Scored += scored.Kept.Length;
        }

        Reader.Recycle(chunk.Rows);
    }
}
