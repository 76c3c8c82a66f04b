using System.CommandLine;
using System.Globalization;
using Serving.Cli.Scoring;
using Serving.Core.Runtimes;

namespace Serving.Cli.Commands;

/// <summary><c>serving score</c>: scores a CSV or Parquet file with one model version, as the gateway would, for batch jobs.</summary>
internal static class ScoreCommand
{
    public static Command Create(CliOutput output)
    {
        var model = new Option<string>("--model") { Description = "Model name (its folder in the registry).", Required = true };
        var version = new Option<int?>("--version") { Description = "Version to score with (default: the highest in the registry)." };
        var registry = new Option<DirectoryInfo>("--registry") { Description = "Registry folder.", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var input = new Option<FileInfo>("--input") { Description = "Rows to score: a headered CSV or a Parquet file; columns are matched to the model's features by name.", Required = true };
        var outputFile = new Option<FileInfo>("--output") { Description = "Where to write the input's columns followed by the model's outputs; replaced only when the run succeeds.", Required = true };
        var skipInvalid = new Option<bool>("--skip-invalid") { Description = "Skip rows the model cannot take and list them (line, reason) in <output>.rejected.csv, instead of stopping at the first." };
        var format = new Option<string?>("--format") { Description = "csv or parquet, for both files (default: each file's extension, .csv or .parquet)." };
        format.AcceptOnlyFromAmong(TableFormats.Csv, TableFormats.Parquet);
        var batchSize = new Option<int>("--batch-size") { Description = "Rows per runtime call.", DefaultValueFactory = _ => ScoreRequest.DefaultBatchSize };
        batchSize.Require(n => n is >= 1 and <= 1_000_000, "--batch-size must be from 1 to 1000000.");

        var command = new Command("score", "Score a CSV or Parquet file with a model version from a registry, with the gateway's runtimes and validation; writes the rows with the outputs appended.")
        {
            model, version, registry, input, outputFile, skipInvalid, format, batchSize,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.Guard(output, async () =>
        {
            var named = parse.GetValue(format);
            var inputPath = parse.GetValue(input)!.FullName;
            var outputPath = parse.GetValue(outputFile)!.FullName;
            ScoreRequest request;
            try
            {
                request = new ScoreRequest
                {
                    Model = parse.GetValue(model)!,
                    Version = parse.GetValue(version),
                    RegistryPath = parse.GetValue(registry)!.FullName,
                    InputPath = inputPath,
                    OutputPath = outputPath,
                    InputFormat = TableFormats.Resolve(inputPath, named),
                    OutputFormat = TableFormats.Resolve(outputPath, named),
                    SkipInvalid = parse.GetValue(skipInvalid),
                    BatchSize = parse.GetValue(batchSize),
                };
            }
            catch (ScoringException ex)
            {
                output.Error(ex.Message);
                return 1;
            }

            var scorer = new BatchScorer(new ModelRuntimeFactories(RuntimeFactories.Default()));
            ScoreSummary summary;
            try
            {
                summary = await ScoreProgress.RunAsync(output.Console, $"scoring {Path.GetFileName(inputPath)}", progress => scorer.RunAsync(request, progress, cancellationToken)).ConfigureAwait(false);
            }
            catch (ScoringException ex)
            {
                output.Error(ex.Message);
                return 1;
            }

            if (summary.Timings is not null)
            {
                output.Note(summary.Timings);
            }

            var rejected = request.SkipInvalid
                ? string.Create(CultureInfo.InvariantCulture, $"; {summary.Rejected} rejected (listed in {Path.GetFileName(outputPath)}{RejectedRowsWriter.Suffix})")
                : string.Empty;
            output.Note(string.Create(
                CultureInfo.InvariantCulture,
                $"scored {summary.Scored} rows with {summary.Model} version {summary.Version} in {summary.Elapsed.TotalSeconds:0.00} s ({summary.RowsPerSecond:0} rows/s){rejected}; wrote {outputPath}"));
            return 0;
        }));
        return command;
    }
}
