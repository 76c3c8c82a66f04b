using System.Diagnostics;
using System.Threading.Channels;
using Serving.Core.Inference;
using Serving.Core.Inference.Mlflow;
using Serving.Core.Registry;
using Serving.Core.Runtimes;

namespace Serving.Cli.Scoring;

/// <summary>
/// Scores a file chunk by chunk: one task reads and types the next chunks while the runtime scores the current one,
/// with at most <see cref="ChunksAhead"/> chunks waiting, so memory stays bounded whatever the file's length.
/// Each chunk goes through the data plane's validation (<see cref="RequestValidator.BindInputs"/>) and the version's
/// runtime exactly as a request to the gateway does.
/// </summary>
internal sealed class BatchScorer
{
    /// <summary>Chunks read ahead of the runtime: enough to keep it busy, few enough to bound memory.</summary>
    private const int ChunksAhead = 2;

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
        var rejectedOutput = request.SkipInvalid ? new TemporaryOutput(request.OutputPath + RejectedRowsWriter.Suffix) : null;
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
        var builder = new BatchTensorBuilder(match);

        // Refuse an output name that shadows an input column before a single row is read.
        OutputColumns.From(generation, null, reader.Columns);

        await using var rejected = rejectedOutput is null ? null : new RejectedRowsWriter(rejectedOutput.TemporaryPath);
        IScoreWriter? writer = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var chunks = Channel.CreateBounded<BuiltBatch>(new BoundedChannelOptions(ChunksAhead) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(() => ProduceAsync(reader, builder, request.BatchSize, chunks.Writer, stop.Token), stop.Token);
        long scored = 0;
        long refused = 0;
        try
        {
            await foreach (var chunk in chunks.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
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
                    var outputs = await RunAsync(generation, request, chunk, cancellationToken).ConfigureAwait(false);
                    writer ??= await CreateWriterAsync(request, output.TemporaryPath, reader, OutputColumns.From(generation, outputs, reader.Columns), cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(new ScoredBatch(chunk.Rows, chunk.Kept, outputs), cancellationToken).ConfigureAwait(false);
                    scored += chunk.Kept.Length;
                }

                progress(reader.Progress);
            }

            // An input with no rows (or none valid) still gets an output with the header, so a pipeline's next step finds it.
            writer ??= await CreateWriterAsync(request, output.TemporaryPath, reader, OutputColumns.From(generation, null, reader.Columns), cancellationToken).ConfigureAwait(false);
            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            if (rejected is not null)
            {
                await rejected.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped because scoring stopped first; that error is the one to report.
            }

            if (writer is not null)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
        }

        return new ScoreSummary(request.Model, generation.Version, scored, refused, TimeSpan.Zero);
    }

    private static async Task ProduceAsync(ITableReader reader, BatchTensorBuilder builder, int batchSize, ChannelWriter<BuiltBatch> chunks, CancellationToken cancellationToken)
    {
        try
        {
            while (await reader.ReadAsync(batchSize, cancellationToken).ConfigureAwait(false) is { } rows)
            {
                await chunks.WriteAsync(builder.Build(rows), cancellationToken).ConfigureAwait(false);
            }

            chunks.Complete();
        }
        catch (Exception ex)
        {
            // The scoring loop rethrows it where it reads, in file order: rows before it were already handled.
            chunks.Complete(ex);
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

    private static async Task<IScoreWriter> CreateWriterAsync(ScoreRequest request, string path, ITableReader reader, OutputColumn[] outputs, CancellationToken cancellationToken) =>
        request.OutputFormat == TableFormat.Csv
            ? new CsvScoreWriter(path, reader.Columns, outputs)
            : await ParquetScoreWriter.CreateAsync(path, reader.Columns, (reader as ParquetTableReader)?.Fields, outputs, cancellationToken).ConfigureAwait(false);
}
