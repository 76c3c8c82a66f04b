using System.Diagnostics;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Inference.Mlflow;
using Serving.Core.Registry;
using Serving.Core.Runtimes;

namespace Serving.Cli.Scoring;

/// <summary>
/// Scores a file chunk by chunk: the first chunk that keeps a row alone (its outputs name the output's columns), the
/// rest by <see cref="ChunkWorkers"/>, one worker per core, written in file order with a few chunks in flight, so
/// memory stays bounded whatever the file's length.
/// Each chunk goes through the data plane's validation (<see cref="RequestValidator.BindInputs"/>) and the version's
/// runtime exactly as a request to the gateway does.
/// </summary>
internal sealed class BatchScorer
{
    private readonly ModelRuntimeFactories _factories;

    public BatchScorer(ModelRuntimeFactories factories) => _factories = factories;

    /// <param name="progress">Told how far through the input reading is (0 to 1) after each chunk.</param>
    public async Task<ScoreSummary> RunAsync(ScoreRequest request, Action<double> progress, CancellationToken cancellationToken)
    {
        if (string.Equals(Path.GetFullPath(request.InputPath), Path.GetFullPath(request.OutputPath), StringComparison.Ordinal))
        {
            throw new ScoringException("--output names the input file; write the scores to another file");
        }

        if (!File.Exists(request.InputPath))
        {
            throw new ScoringException($"input file '{request.InputPath}' does not exist");
        }

        var output = new TemporaryOutput(request.OutputPath);
        var rejectedOutput = request.SkipInvalid ? new TemporaryOutput(output.SidePath(RejectedRowsWriter.Suffix)) : null;
        var generation = ScoringModel.Load(_factories, request.RegistryPath, request.Model, request.Version);

        // Timed from here: rows per second say how fast rows are scored, not how long a model takes to load.
        var started = Stopwatch.GetTimestamp();
        try
        {
            var summary = await ScoreAsync(generation, request, output, rejectedOutput, progress, cancellationToken).ConfigureAwait(false);
            output.Commit();
            rejectedOutput?.Commit();
            return summary with { Elapsed = Stopwatch.GetElapsedTime(started) };
        }
        catch
        {
            output.Discard();
            rejectedOutput?.Discard();
            throw;
        }
        finally
        {
            generation.Retire();
        }
    }

    private static async Task<ScoreSummary> ScoreAsync(
        ModelGeneration generation, ScoreRequest request, TemporaryOutput output, TemporaryOutput? rejectedOutput, Action<double> progress, CancellationToken cancellationToken)
    {
        await using var reader = await OpenAsync(request, cancellationToken).ConfigureAwait(false);
        var match = ColumnMatch.Create(MlflowInputLayout.Of(generation.Manifest.Signature.Inputs), reader.Columns, request.Model);
        var builder = new BatchTensorBuilder(match, request.BatchSize);

        // Refuse an output name that shadows an input column before a single row is read.
        OutputColumns.From(generation, null, reader.Columns);

        await using var rejected = rejectedOutput is null ? null : new RejectedRowsWriter(rejectedOutput.TemporaryPath, rejectedOutput.Mode);
        var run = new ScoringRun(request, reader, rejected, progress);
        try
        {
            // Alone, up to the first chunk that keeps a row: its outputs say which columns the output file gets.
            while (run.Writer is null && await ReadAsync(run, cancellationToken).ConfigureAwait(false) is { } rows)
            {
                var chunk = Build(builder, rows, run.Timings);
                if (chunk.Kept.Length == 0 || (chunk.Rejected.Count > 0 && run.StopsAtBadRow))
                {
                    await run.CommitAsync(new ChunkOutcome(chunk, null, null), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var outputs = await RunAsync(generation, request, builder, chunk, run.Timings, cancellationToken).ConfigureAwait(false);
                run.Writer = await CreateWriterAsync(request, output, reader, OutputColumns.From(generation, outputs, reader.Columns), cancellationToken).ConfigureAwait(false);
                var scored = Prepare(run.Writer, new ScoredBatch(chunk.Rows, chunk.Kept, outputs), run.Timings);
                await run.CommitAsync(new ChunkOutcome(chunk, scored, null), cancellationToken).ConfigureAwait(false);
            }

            // The rest with a worker per core, as the gateway runs concurrent requests (each call on one thread).
            if (run.Writer is { } writer)
            {
                await new ChunkWorkers(run, (rows, ct) => ScoreChunkAsync(generation, request, builder, writer, rows, run.Timings, ct)).RunAsync(cancellationToken).ConfigureAwait(false);
            }

            // An input with no rows (or none valid) still gets an output with the header, so a pipeline's next step finds it.
            run.Writer ??= await CreateWriterAsync(request, output, reader, OutputColumns.From(generation, null, reader.Columns), cancellationToken).ConfigureAwait(false);
            await run.Writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            if (rejected is not null)
            {
                await rejected.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (run.Writer is not null)
            {
                await run.Writer.DisposeAsync().ConfigureAwait(false);
            }
        }

        return new ScoreSummary(request.Model, generation.Version, run.Scored, run.Refused, TimeSpan.Zero) { Timings = run.Timings.Describe(run.Scored + run.Refused) };
    }

    private static async Task<RowBatch?> ReadAsync(ScoringRun run, CancellationToken cancellationToken)
    {
        var started = ScoreTimings.Start();
        var rows = await run.Reader.ReadAsync(run.BatchSize, cancellationToken).ConfigureAwait(false);
        run.Timings.Add(ScoreStage.Read, started);
        run.Progress(run.Reader.Progress);
        return rows;
    }

    /// <summary>A worker's part of a chunk: typed, scored and its text put together, ready to be written in its turn.</summary>
    private static async Task<ChunkOutcome> ScoreChunkAsync(
        ModelGeneration generation, ScoreRequest request, BatchTensorBuilder builder, IScoreWriter writer, RowBatch rows, ScoreTimings timings, CancellationToken cancellationToken)
    {
        var chunk = Build(builder, rows, timings);
        if (chunk.Kept.Length == 0 || (chunk.Rejected.Count > 0 && !request.SkipInvalid))
        {
            // Nothing to score, or a bad row that ends the run when the chunk's turn comes.
            return new ChunkOutcome(chunk, null, null);
        }

        var outputs = await RunAsync(generation, request, builder, chunk, timings, cancellationToken).ConfigureAwait(false);
        return new ChunkOutcome(chunk, Prepare(writer, new ScoredBatch(chunk.Rows, chunk.Kept, outputs), timings), null);
    }

    private static BuiltBatch Build(BatchTensorBuilder builder, RowBatch rows, ScoreTimings timings)
    {
        var started = ScoreTimings.Start();
        var built = builder.Build(rows);
        timings.Add(ScoreStage.Type, started);
        return built;
    }

    private static ScoredBatch Prepare(IScoreWriter writer, ScoredBatch batch, ScoreTimings timings)
    {
        var started = ScoreTimings.Start();
        var prepared = writer.Prepare(batch);
        timings.Add(ScoreStage.Format, started);
        return prepared;
    }

    /// <summary>The chunk through the data plane's validation and the runtime; its input buffers then go back to the builder.</summary>
    private static async Task<Tensor[]> RunAsync(
        ModelGeneration generation, ScoreRequest request, BatchTensorBuilder builder, BuiltBatch chunk, ScoreTimings timings, CancellationToken cancellationToken)
    {
        var started = ScoreTimings.Start();
        var outputs = await RunAsync(generation, request, chunk, cancellationToken).ConfigureAwait(false);
        timings.Add(ScoreStage.Run, started);
        builder.Recycle(chunk);
        return outputs;
    }

    private static async Task<Tensor[]> RunAsync(ModelGeneration generation, ScoreRequest request, BuiltBatch chunk, CancellationToken cancellationToken)
    {
        var binding = generation.Binding;
        Tensor[] inputs;
        try
        {
            inputs = RequestValidator.BindInputs(request.Model, binding, chunk.Inputs);
        }
        catch (InferenceException ex)
        {
            throw new ScoringException($"{Lines(request, chunk)}: {ex.Message}", ex);
        }

        try
        {
            return await generation.Runtime.RunAsync(inputs, binding.AllOutputSourceNames, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            throw new ScoringException($"the model failed on {Lines(request, chunk)}: {ex.Message}", ex);
        }
    }

    private static string LineWord(ScoreRequest request) => request.InputFormat == TableFormat.Csv ? "line" : "row";

    private static string Lines(ScoreRequest request, BuiltBatch chunk) =>
        $"{LineWord(request)}s {chunk.Rows.LineOf(chunk.Kept[0])} to {chunk.Rows.LineOf(chunk.Kept[^1])}";

    private static async Task<ITableReader> OpenAsync(ScoreRequest request, CancellationToken cancellationToken) =>
        request.InputFormat == TableFormat.Csv
            ? CsvTableReader.Open(request.InputPath)
            : await ParquetTableReader.OpenAsync(request.InputPath, cancellationToken).ConfigureAwait(false);

    private static async Task<IScoreWriter> CreateWriterAsync(ScoreRequest request, TemporaryOutput output, ITableReader reader, OutputColumn[] outputs, CancellationToken cancellationToken) =>
        request.OutputFormat == TableFormat.Csv
            ? new CsvScoreWriter(output.TemporaryPath, reader.Columns, outputs, output.Mode)
            : await ParquetScoreWriter.CreateAsync(output.TemporaryPath, reader.Columns, (reader as ParquetTableReader)?.Fields, outputs, cancellationToken, output.Mode).ConfigureAwait(false);
}
