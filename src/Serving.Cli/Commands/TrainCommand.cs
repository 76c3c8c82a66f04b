using System.CommandLine;
using Serving.Cli.Training;
using Serving.Core.Packaging;
using Spectre.Console;

namespace Serving.Cli.Commands;

/// <summary><c>serving train</c>: trains a sample model reproducibly and publishes it like <c>serving package</c>.</summary>
internal static class TrainCommand
{
    public static Command Create(CliOutput output, Func<PackageBuilder> builder)
    {
        var sample = new Argument<string>("sample") { Description = $"Sample to train: {string.Join(", ", SampleCatalog.Samples)}." };
        sample.AcceptOnlyFromAmong([.. SampleCatalog.Samples]);
        var registry = new Option<DirectoryInfo>("--out") { Description = "Registry folder to publish into.", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var version = new Option<int?>("--version") { Description = "Train only this recipe and publish it as exactly this version (default: every recipe, each as the next version)." };
        var data = new Option<DirectoryInfo?>("--data") { Description = "Folder holding the training CSVs (default: the nearest data/ folder above the current one)." };

        var command = new Command("train", "Train a sample model with ML.NET (fixed seed) and publish it to a registry; prints each version.")
        {
            sample, registry, version, data,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.Guard(output, async () =>
        {
            var name = parse.GetValue(sample)!;
            var requested = parse.GetValue(version);
            var recipes = SampleCatalog.Of(name).Where(r => requested is null || r.Version == requested).ToList();
            if (recipes.Count == 0)
            {
                throw new PackagingException($"{name} has no recipe for version {requested}; it has {string.Join(", ", SampleCatalog.Of(name).Select(r => r.Version))}");
            }

            var dataDirectory = parse.GetValue(data)?.FullName ?? DataFolder.Find();
            var trainer = new SampleTrainer(builder());
            foreach (var recipe in recipes)
            {
                var result = await trainer.TrainAndPackageAsync(
                    recipe, dataDirectory, parse.GetValue(registry)!.FullName, requested, CodeCommit.TryRead(dataDirectory), cancellationToken).ConfigureAwait(false);
                PackageSummary.Write(output.Console, recipe.Sample, result);
                output.Console.MarkupLineInterpolated($"held-out metrics: {string.Join(", ", result.Manifest.Lineage?.Metrics?.Select(m => $"{m.Key} {m.Value:F4}") ?? [])}");
                await output.Result.WriteLineAsync($"{recipe.Sample} {result.Version}").ConfigureAwait(false);
            }

            return 0;
        }));
        return command;
    }
}
