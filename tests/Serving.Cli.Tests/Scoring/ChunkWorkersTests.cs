using Serving.Cli.Scoring;
using Serving.Core.Contracts;

namespace Serving.Cli.Tests.Scoring;

/// <summary>
/// The workers behind <c>serving score</c>, over a stand-in reader and writer: chunks are written in file order
/// whichever worker finishes first, no more than <see cref="ChunkWorkers.InFlight"/> chunks are ever between reading
/// and writing, and the failure reported is the first in the file, not the first in time.
/// </summary>
public sealed class ChunkWorkersTests
{
    [Fact]
    public async Task Chunks_finishing_out_of_order_are_written_in_file_order_with_few_in_flight()
    {
        var reader = new NumberedReader(200);
        var writer = new RecordingWriter();
        var run = Run(reader, writer);
        var workers = new ChunkWorkers(run, async (rows, ct) =>
        {
            // Every third chunk takes longer, so later chunks often finish before it.
            if (((NumberedRows)rows).Index % 3 == 0)
            {
                await Task.Delay(2, ct);
            }

            return Scored(rows);
        });

        await workers.RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(Enumerable.Range(0, 200), writer.Written);
        Assert.Equal(200, run.Scored);
        Assert.InRange(reader.MostOutstanding, 1, workers.InFlight);
        Assert.Equal(0, reader.Outstanding);
    }

    [Fact]
    public async Task The_first_failure_in_the_file_is_reported_though_a_later_chunk_failed_first()
    {
        var reader = new NumberedReader(50);
        var writer = new RecordingWriter();
        var laterFailed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = new ChunkWorkers(Run(reader, writer), async (rows, ct) =>
        {
            switch (((NumberedRows)rows).Index)
            {
                case 5:
                    laterFailed.TrySetResult();
                    throw new InvalidOperationException("chunk 5");
                case 4:
                    // Waits for chunk 5 to fail first where another worker can take it (a 1-core machine has one worker).
                    await Task.WhenAny(laterFailed.Task, Task.Delay(TimeSpan.FromSeconds(2), ct));
                    throw new InvalidOperationException("chunk 4");
                default:
                    return Scored(rows);
            }
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => workers.RunAsync(TestContext.Current.CancellationToken));

        Assert.Equal("chunk 4", error.Message);
        Assert.Equal([0, 1, 2, 3], writer.Written);
    }

    [Fact]
    public async Task A_read_failure_comes_after_the_chunks_read_before_it()
    {
        var reader = new NumberedReader(30) { FailAt = 12 };
        var writer = new RecordingWriter();
        var workers = new ChunkWorkers(Run(reader, writer), (rows, _) => Task.FromResult(Scored(rows)));

        var error = await Assert.ThrowsAsync<IOException>(() => workers.RunAsync(TestContext.Current.CancellationToken));

        Assert.Equal("the disk went away at chunk 12", error.Message);
        Assert.Equal(Enumerable.Range(0, 12), writer.Written);
    }

    [Fact]
    public async Task The_callers_cancellation_stops_every_worker()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var reader = new NumberedReader(int.MaxValue);
        var workers = new ChunkWorkers(Run(reader, new RecordingWriter()), async (rows, ct) =>
        {
            if (((NumberedRows)rows).Index == 20)
            {
                await cancel.CancelAsync();
            }

            return Scored(rows);
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => workers.RunAsync(cancel.Token));
        Assert.InRange(reader.Read, 21, 21 + workers.InFlight);
    }

    private static ScoringRun Run(ITableReader reader, IScoreWriter writer) =>
        new(new ScoreRequest { Model = "m", RegistryPath = "r", InputPath = "in.csv", OutputPath = "out.csv", InputFormat = TableFormat.Csv, OutputFormat = TableFormat.Csv, BatchSize = 1 }, reader, null, _ => { })
        {
            Writer = writer,
        };

    private static ChunkOutcome Scored(RowBatch rows) =>
        new(new BuiltBatch(rows, [0], [], []), new ScoredBatch(rows, [0], []), null);

    /// <summary>Hands out numbered one-row chunks and counts those not yet handed back.</summary>
    private sealed class NumberedReader(int chunks) : ITableReader
    {
        private int _outstanding;
        private int _mostOutstanding;

        public int FailAt { get; init; } = -1;

        public int Read { get; private set; }

        public int Outstanding => Volatile.Read(ref _outstanding);

        public int MostOutstanding => Volatile.Read(ref _mostOutstanding);

        public IReadOnlyList<string> Columns => ["x"];

        public double Progress => 0;

        public ValueTask<RowBatch?> ReadAsync(int maxRows, CancellationToken cancellationToken)
        {
            // The workers promise one reader at a time: a plain counter would show it if they broke that.
            if (Read == FailAt)
            {
                throw new IOException($"the disk went away at chunk {Read}");
            }

            if (Read == chunks)
            {
                return ValueTask.FromResult<RowBatch?>(null);
            }

            var now = Interlocked.Increment(ref _outstanding);
            var most = _mostOutstanding;
            while (now > most && Interlocked.CompareExchange(ref _mostOutstanding, now, most) != most)
            {
                most = _mostOutstanding;
            }

            return ValueTask.FromResult<RowBatch?>(new NumberedRows(Read++));
        }

        public void Recycle(RowBatch batch) => Interlocked.Decrement(ref _outstanding);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class RecordingWriter : IScoreWriter
    {
        private readonly List<int> _written = [];

        public IReadOnlyList<int> Written => _written;

        public ScoredBatch Prepare(ScoredBatch batch) => batch;

        public ValueTask WriteAsync(ScoredBatch batch, CancellationToken cancellationToken)
        {
            _written.Add(((NumberedRows)batch.Rows).Index);
            return ValueTask.CompletedTask;
        }

        public ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>A one-row chunk that knows its place in the file; nothing reads its cells.</summary>
    private sealed class NumberedRows(int index) : RowBatch
    {
        public int Index => index;

        public override int Rows => 1;

        public override long LineOf(int row) => index + 2;

        public override string? ProblemOf(int row) => null;

        public override bool TryReadSingle(int row, int column, out float value) => throw new NotSupportedException();

        public override bool TryReadDouble(int row, int column, out double value) => throw new NotSupportedException();

        public override bool TryReadInt64(int row, int column, out long value) => throw new NotSupportedException();

        public override bool TryReadUInt64(int row, int column, out ulong value) => throw new NotSupportedException();

        public override bool TryReadBoolean(int row, int column, out bool value) => throw new NotSupportedException();

        public override bool TryReadText(int row, int column, out string value) => throw new NotSupportedException();

        public override string Describe(int row, int column) => throw new NotSupportedException();
    }
}
