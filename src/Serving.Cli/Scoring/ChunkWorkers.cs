using System.Runtime.ExceptionServices;

namespace Serving.Cli.Scoring;

/// <summary>
/// Scores a file's chunks with one worker per core, each taking a whole chunk through every stage: it reads the next
/// chunk (one worker at a time, in file order), types it, runs it through the runtime and puts its text together, then
/// hands it to an in-order commit that writes every chunk whose turn has come. At most <see cref="InFlight"/> chunks
/// are between reading and writing, so memory stays bounded whatever the file's length.
/// </summary>
/// <remarks>
/// Whole chunks per worker rather than a thread per stage: no stage waits for another's hand-off, a chunk's memory
/// stays on the core that filled it, and there is one place where chunks meet, the commit. Measured against the
/// stage-per-thread pipeline it replaced, stage CPU is the same and both keep about 1.6 of 2 cores busy; breast-cancer
/// read 1.03-1.08 of the runtime loop against 0.97 in alternated rounds (loadtests/batch-scoring.sh).
/// The first failure in file order is the one reported: a chunk that failed waits for its turn to be committed, as a
/// chunk that succeeded does, so the rows before it are written and the error names its own lines.
/// </remarks>
internal sealed class ChunkWorkers
{
    private readonly ScoringRun _run;
    private readonly Func<RowBatch, CancellationToken, Task<ChunkOutcome>> _score;
    private readonly int _workers;
    private readonly SemaphoreSlim _readTurn = new(1, 1);
    private readonly SemaphoreSlim _commitTurn = new(1, 1);
    private readonly SemaphoreSlim _room;
    private readonly Dictionary<long, ChunkOutcome> _waiting = [];
    private long _nextToRead;
    private bool _readerDone;
    private long _nextToCommit;
    private ExceptionDispatchInfo? _failure;

    /// <param name="run">The reader, the commit's writers and the run's counters.</param>
    /// <param name="score">Types, runs and formats one chunk; a failure it throws is kept for the chunk's turn.</param>
    public ChunkWorkers(ScoringRun run, Func<RowBatch, CancellationToken, Task<ChunkOutcome>> score)
    {
        _run = run;
        _score = score;

        // More workers than cores only trade chunks between them; past eight the reader, which works alone, is the limit.
        _workers = Math.Clamp(Environment.ProcessorCount, 1, 8);
        _room = new SemaphoreSlim(InFlight);
    }

    /// <summary>Chunks read and not yet written: one per worker, and two that wait for their turn to be written.</summary>
    public int InFlight => _workers + 2;

    /// <summary>Scores every chunk left in the reader; throws the first failure in file order, or the caller's cancellation.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = new Task[_workers];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(() => WorkAsync(stop), CancellationToken.None);
        }

        foreach (var worker in workers)
        {
            try
            {
                await worker.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // A worker stopped because another failed, or because the caller asked: said below.
            }
        }

        _failure?.Throw();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task WorkAsync(CancellationTokenSource stop)
    {
        try
        {
            while (await NextAsync(stop.Token).ConfigureAwait(false) is { } next)
            {
                var outcome = next.Failure is not null ? new ChunkOutcome(null, null, next.Failure) : await ScoreAsync(next.Rows!, stop.Token).ConfigureAwait(false);
                await CommitAsync(next.Sequence, outcome, stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            // Only the commit throws, in file order, so the first failure recorded is the first in the file.
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(ex), null);
            await stop.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task<ChunkOutcome> ScoreAsync(RowBatch rows, CancellationToken cancellationToken)
    {
        try
        {
            return await _score(rows, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new ChunkOutcome(null, null, ExceptionDispatchInfo.Capture(ex));
        }
    }

    /// <summary>The next chunk in file order, once there is room for it; null at the end of the file.</summary>
    private async Task<NextChunk?> NextAsync(CancellationToken cancellationToken)
    {
        var waitStart = ScoreTimings.Start();
        await _room.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _readTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
        _run.Timings.Add(ScoreStage.WaitForRead, waitStart);
        try
        {
            if (_readerDone)
            {
                _room.Release();
                return null;
            }

            var readStart = ScoreTimings.Start();
            RowBatch? rows;
            try
            {
                rows = await _run.Reader.ReadAsync(_run.BatchSize, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Reported in its turn: the chunks read before it are written first.
                _readerDone = true;
                return new NextChunk(_nextToRead++, null, ExceptionDispatchInfo.Capture(ex));
            }

            _run.Timings.Add(ScoreStage.Read, readStart);
            _run.Progress(_run.Reader.Progress);
            if (rows is null)
            {
                _readerDone = true;
                _room.Release();
                return null;
            }

            return new NextChunk(_nextToRead++, rows, null);
        }
        finally
        {
            _readTurn.Release();
        }
    }

    /// <summary>Files the chunk's outcome, then commits every chunk whose turn has come (whoever holds the turn writes).</summary>
    private async Task CommitAsync(long sequence, ChunkOutcome outcome, CancellationToken cancellationToken)
    {
        await _commitTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _waiting.Add(sequence, outcome);
            while (_waiting.Remove(_nextToCommit, out var due))
            {
                _nextToCommit++;
                await _run.CommitAsync(due, cancellationToken).ConfigureAwait(false);
                _room.Release();
            }
        }
        finally
        {
            _commitTurn.Release();
        }
    }

    private sealed record NextChunk(long Sequence, RowBatch? Rows, ExceptionDispatchInfo? Failure);
}

/// <summary>
/// What became of one chunk before its turn to be written: typed (<see cref="Built"/>), scored and formatted
/// (<see cref="Scored"/>, null when no row was kept or the chunk has a bad row to report), or failed.
/// </summary>
internal sealed record ChunkOutcome(BuiltBatch? Built, ScoredBatch? Scored, ExceptionDispatchInfo? Failure);
