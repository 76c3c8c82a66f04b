using System.Diagnostics;
using System.Threading.Channels;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Inference.Mlflow;
using Serving.Core.Registry;
using Serving.Core.Runtimes;

namespace Serving.Cli.Scoring;

/// <summary>
/// Scores a file chunk by chunk: the next chunks are read and typed while the runtime scores some (one per core at
/// once) and those before are written in file order, with at most <see cref="ChunksAhead"/> chunks
/// waiting at each step, so memory stays bounded whatever the file's length.
/// Each chunk goes through the data plane's validation (<see cref="RequestValidator.BindInputs"/>) and the version's
/// runtime exactly as a request to the gateway does.
/// </summary>
internal sealed class BatchScorer
{
    /// <summary>Chunks read ahead of the runtime: enough to keep it busy, few enough to bound memory.</summary>
    private const int ChunksAhead = 3;

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
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // Stages on their own threads: reading (typing several chunks in parallel, handed on in file order), scoring
        // (each chunk through the runtime, then put together as text, several chunks at once) and writing (in file
        // order). Bounded channels between them bound memory to a few chunks, whose memory is then reused.
        var built = Channel.CreateBounded<Task<BuiltBatch>>(new BoundedChannelOptions(ChunksAhead) { SingleReader = true, SingleWriter = true });
        var scored = Channel.CreateBounded<Task<ScoredBatch>>(new BoundedChannelOptions(ChunksAhead) { SingleReader = true, SingleWriter = true });
        var timings = new ScoreTimings();

        // Runtime calls at once: one per core, as the gateway runs concurrent requests. The runtime is the stage every
        // chunk waits for in order, and a model that costs more than its text (breast-cancer's ONNX graph) keeps both
        // cores of a 2-core machine busy that way; with one call at a time it left one mostly idle (0.60-0.68 of the
        // loop against 0.70-0.92, loadtests/README.md). A cheap model gains nothing and loses nothing measurable.
        using var runtimeCalls = new SemaphoreSlim(Environment.ProcessorCount);
        var producer = Task.Run(() => ProduceAsync(reader, builder, request.BatchSize, built.Writer, timings, stop.Token), stop.Token);
        IScoreWriter? writer = null;
        Task? writing = null;
        long scoredRows = 0;
        long refused = 0;
        try
        {
            var waitStart = ScoreTimings.Start();
            await foreach (var pending in built.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                var chunk = await pending.ConfigureAwait(false);
                timings.Add(ScoreStage.WaitForTyped, waitStart);
                foreach (var rejection in chunk.Rejected)
                {
                    if (rejected is null)
                    {
                        throw new ScoringException($"{LineWord(request)} {rejection.Line}: {rejection.Reason} (pass --skip-invalid to skip such rows and list them in {Path.GetFileName(request.OutputPath)}{RejectedRowsWriter.Suffix})");
                    }

                    rejected.Add(rejection);
                    refused++;
                }

                if (chunk.Kept.Length > 0)
                {
                    Tensor[]? firstOutputs = null;
                    if (writer is null)
                    {
                        // The first chunk is scored here: its outputs say which columns the output gets.
                        firstOutputs = await RunAsync(generation, request, builder, chunk, runtimeCalls, timings, stop.Token).ConfigureAwait(false);
                        writer = await CreateWriterAsync(request, output, reader, OutputColumns.From(generation, firstOutputs, reader.Columns), stop.Token).ConfigureAwait(false);
                        writing = Task.Run(() => ConsumeAsync(writer, reader, scored.Reader, timings, stop), stop.Token);
                    }

                    var handStart = ScoreTimings.Start();
                    // Later chunks are scored off this thread, one per core at once,
                    // as the gateway scores concurrent requests (each call on one thread), and their text is put
                    // together there too; the writer takes them in file order, so a failure is reported after the
                    // rows before it.
                    var scoring = writer;
                    var given = firstOutputs;
                    await scored.Writer.WriteAsync(Task.Run(() => ScoreAsync(generation, request, builder, chunk, given, runtimeCalls, scoring, timings, stop.Token), stop.Token), stop.Token).ConfigureAwait(false);
                    timings.Add(ScoreStage.WaitForWriter, handStart);
                    scoredRows += chunk.Kept.Length;
                }
                else
                {
                    reader.Recycle(chunk.Rows);
                }

                progress(reader.Progress);
                waitStart = ScoreTimings.Start();
            }

            scored.Writer.Complete();
            var drainStart = ScoreTimings.Start();
            if (writing is not null)
            {
                await writing.ConfigureAwait(false);
            }

            timings.Add(ScoreStage.WaitForWriter, drainStart);

            // An input with no rows (or none valid) still gets an output with the header, so a pipeline's next step finds it.
            writer ??= await CreateWriterAsync(request, output, reader, OutputColumns.From(generation, null, reader.Columns), cancellationToken).ConfigureAwait(false);
            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            if (rejected is not null)
            {
                await rejected.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && writing is not null)
        {
            // Only the writer stops the others without the caller asking: a chunk it took (its scoring or its
            // writing) failed, and that error is the one to report. It may not have finished failing yet.
            await writing.ConfigureAwait(false);
            throw;
        }
        catch (ChannelClosedException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            scored.Writer.TryComplete();
            await Quietly(producer).ConfigureAwait(false);
            if (writing is not null)
            {
                await Quietly(writing).ConfigureAwait(false);
            }

            // Chunks the writer never took may still be in the runtime: they finish before the version is retired.
            while (scored.Reader.TryRead(out var left))
            {
                await Quietly(left).ConfigureAwait(false);
            }

            if (writer is not null)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
        }

        return new ScoreSummary(request.Model, generation.Version, scoredRows, refused, TimeSpan.Zero) { Timings = timings.Describe(scoredRows + refused) };
    }

    /// <summary>Waits for a stage that was stopped because another failed first; that other error is the one reported.</summary>
    private static async Task Quietly(Task stage)
    {
        try
        {
            await stage.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ScoringException or IOException or InvalidDataException)
        {
            // Reported by whoever saw it first.
        }
    }

    private static async Task ProduceAsync(ITableReader reader, BatchTensorBuilder builder, int batchSize, ChannelWriter<Task<BuiltBatch>> chunks, ScoreTimings timings, CancellationToken cancellationToken)
    {
        try
        {
            var readStart = ScoreTimings.Start();
            while (await reader.ReadAsync(batchSize, cancellationToken).ConfigureAwait(false) is { } rows)
            {
                timings.Add(ScoreStage.Read, readStart);
                // Typing the cells is most of the work: chunks are typed in parallel and still handed on in order.
                await chunks.WriteAsync(Task.Run(() => Build(builder, rows, timings), cancellationToken), cancellationToken).ConfigureAwait(false);
                readStart = ScoreTimings.Start();
            }

            chunks.Complete();
        }
        catch (Exception ex)
        {
            // The scoring loop rethrows it where it reads, in file order: rows before it were already handled.
            chunks.Complete(ex);
        }
    }

    private static BuiltBatch Build(BatchTensorBuilder builder, RowBatch rows, ScoreTimings timings)
    {
        var started = ScoreTimings.Start();
        var built = builder.Build(rows);
        timings.Add(ScoreStage.Type, started);
        return built;
    }

    /// <summary>Scores a chunk (unless its outputs are given) and puts its text together, for the writer to take in order.</summary>
    private static async Task<ScoredBatch> ScoreAsync(
        ModelGeneration generation, ScoreRequest request, BatchTensorBuilder builder, BuiltBatch chunk, Tensor[]? outputs, SemaphoreSlim runtimeCalls, IScoreWriter writer, ScoreTimings timings, CancellationToken cancellationToken)
    {
        outputs ??= await RunAsync(generation, request, builder, chunk, runtimeCalls, timings, cancellationToken).ConfigureAwait(false);
        return Prepare(writer, new ScoredBatch(chunk.Rows, chunk.Kept, outputs), timings);
    }

    private static ScoredBatch Prepare(IScoreWriter writer, ScoredBatch batch, ScoreTimings timings)
    {
        var started = ScoreTimings.Start();
        var prepared = writer.Prepare(batch);
        timings.Add(ScoreStage.Format, started);
        return prepared;
    }

    private static async Task ConsumeAsync(IScoreWriter writer, ITableReader reader, ChannelReader<Task<ScoredBatch>> scored, ScoreTimings timings, CancellationTokenSource stop)
    {
        try
        {
            await foreach (var preparing in scored.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                var batch = await preparing.ConfigureAwait(false);
                var writeStart = ScoreTimings.Start();
                await writer.WriteAsync(batch, stop.Token).ConfigureAwait(false);
                timings.Add(ScoreStage.Write, writeStart);
                reader.Recycle(batch.Rows);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The chunk through the data plane's validation and the runtime; its input buffers then go back to the builder.</summary>
    private static async Task<Tensor[]> RunAsync(
        ModelGeneration generation, ScoreRequest request, BatchTensorBuilder builder, BuiltBatch chunk, SemaphoreSlim runtimeCalls, ScoreTimings timings, CancellationToken cancellationToken)
    {
        await runtimeCalls.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = ScoreTimings.Start();
            var outputs = await RunAsync(generation, request, chunk, cancellationToken).ConfigureAwait(false);
            timings.Add(ScoreStage.Run, started);
            builder.Recycle(chunk);
            return outputs;
        }
        finally
        {
            runtimeCalls.Release();
        }
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
