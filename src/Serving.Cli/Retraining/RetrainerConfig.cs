using System.Text.Json;
using Serving.Cli.Retraining.Dvc;
using Serving.Cli.Training;
using Serving.Core.Packaging;

namespace Serving.Cli.Retraining;

/// <summary>
/// The retrainer's config file (JSON): the gate's default margin, how many held-out rows must come from logged
/// predictions, how far back a trigger without a window looks, and one job per model. Read and checked once at start.
/// </summary>
public sealed record RetrainerConfig
{
    /// <summary>Metrics the gate can judge by.</summary>
    public static readonly IReadOnlyList<string> Metrics = ["accuracy", "f1", "rmse", "r2"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>How much worse than stable a candidate may be on the job's metric and still be published.</summary>
    public double Margin { get; init; } = 0.01;

    /// <summary>Held-out rows from logged predictions needed to judge on them alone; below it, held-out rows of the original data join them.</summary>
    public int MinHeldOutRows { get; init; } = 20;

    /// <summary>When a trigger names no window (a schedule, a run by hand), logged predictions of this many hours before it are used.</summary>
    public double LookbackHours { get; init; } = 24 * 7;

    /// <summary>
    /// Minutes after a run that published during which further drift.detected and performance.degraded events for
    /// that model are ignored (0 = off): the new version needs time to take traffic before it is judged again.
    /// </summary>
    public double CooldownMinutes { get; init; } = 30;

    /// <summary>
    /// Labelled logged rows of the window needed to take the published version's drift baseline from them (the
    /// population it will serve); with fewer, the baseline comes from the training data as <c>serving package</c> does.
    /// </summary>
    public int BaselineFromWindowMinRows { get; init; } = 100;

    /// <summary>Jobs by model name.</summary>
    public Dictionary<string, RetrainJob> Jobs { get; init; } = new(StringComparer.Ordinal);

    /// <summary>MLflow tracking of each run and registering of new versions (off without a tracking URI).</summary>
    public Mlflow.MlflowTrackingConfig? Mlflow { get; init; }

    /// <summary>The folder relative paths in the file are resolved against.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string BaseDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>Reads and checks the file; throws <see cref="RetrainerConfigException"/> listing every problem.</summary>
    public static RetrainerConfig Load(string path, string? dataFolder)
    {
        RetrainerConfig config;
        try
        {
            config = JsonSerializer.Deserialize<RetrainerConfig>(File.ReadAllText(path), Json) ?? throw new JsonException("the file holds null");
        }
        catch (JsonException ex)
        {
            throw new RetrainerConfigException([$"{path}: {ex.Message}"]);
        }
        catch (IOException ex)
        {
            throw new RetrainerConfigException([$"cannot read the retrainer config '{path}': {ex.Message}"]);
        }

        return config.Resolved(Path.GetDirectoryName(Path.GetFullPath(path))!, dataFolder);
    }

    /// <summary>Paths made absolute and defaults filled in; throws listing every problem.</summary>
    public RetrainerConfig Resolved(string baseDirectory, string? dataFolder)
    {
        var errors = new List<string>();
        if (Margin is < 0 or > 1_000_000 || !double.IsFinite(Margin))
        {
            errors.Add($"margin is {Margin}; use a number from 0 up");
        }

        if (MinHeldOutRows is < 1 or > 1_000_000)
        {
            errors.Add($"minHeldOutRows is {MinHeldOutRows}; use a whole number from 1 to 1000000");
        }

        if (LookbackHours is <= 0 || !double.IsFinite(LookbackHours))
        {
            errors.Add($"lookbackHours is {LookbackHours}; use a number above 0");
        }

        if (CooldownMinutes is < 0 or > 7 * 24 * 60 || !double.IsFinite(CooldownMinutes))
        {
            errors.Add($"cooldownMinutes is {CooldownMinutes}; use a number from 0 (off) to 10080");
        }

        if (BaselineFromWindowMinRows is < 1 or > 100_000_000)
        {
            errors.Add($"baselineFromWindowMinRows is {BaselineFromWindowMinRows}; use a whole number from 1 up");
        }

        if (Jobs.Count == 0)
        {
            errors.Add("jobs is empty; name at least one model, e.g. \"jobs\": {\"breast-cancer\": {\"kind\": \"builtin\"}}");
        }

        errors.AddRange(Mlflow?.Problems(Jobs.Keys) ?? []);
        var jobs = new Dictionary<string, RetrainJob>(StringComparer.Ordinal);
        foreach (var (model, job) in Jobs)
        {
            var resolved = ResolveJob(model, job, baseDirectory, dataFolder, errors);
            if (resolved is not null)
            {
                jobs[model] = resolved;
            }
        }

        return errors.Count > 0 ? throw new RetrainerConfigException(errors) : this with { Jobs = jobs, BaseDirectory = baseDirectory };
    }

    /// <summary>The margin a job's gate uses.</summary>
    public double MarginOf(RetrainJob job) => job?.Margin ?? Margin;

    /// <summary>The cooldown a job's model has after a run that published.</summary>
    public TimeSpan CooldownOf(RetrainJob? job) => TimeSpan.FromMinutes(job?.CooldownMinutes ?? CooldownMinutes);

    private static RetrainJob? ResolveJob(string model, RetrainJob? job, string baseDirectory, string? dataFolder, List<string> errors)
    {
        var at = $"jobs.{model}";
        if (job is null)
        {
            errors.Add($"{at} is null");
            return null;
        }

        var before = errors.Count;
        if (job.Metric is { } metric && !Metrics.Contains(metric))
        {
            errors.Add($"{at}.metric is '{metric}'; use {string.Join(", ", Metrics)}");
        }

        if (job.Margin is { } margin && (margin < 0 || !double.IsFinite(margin)))
        {
            errors.Add($"{at}.margin is {margin}; use a number from 0 up");
        }

        if (job.CooldownMinutes is { } cooldown && (cooldown is < 0 or > 7 * 24 * 60 || !double.IsFinite(cooldown)))
        {
            errors.Add($"{at}.cooldownMinutes is {cooldown}; use a number from 0 (off) to 10080");
        }

        if (job.TimeoutSeconds is < 1 or > 7 * 24 * 3600)
        {
            errors.Add($"{at}.timeoutSeconds is {job.TimeoutSeconds}; use a whole number from 1 to 604800");
        }

        string? trainingData = job.TrainingData is null ? null : Path.GetFullPath(job.TrainingData, baseDirectory);
        switch (job.Kind)
        {
            case RetrainJob.Builtin:
                var sample = job.Sample ?? model;
                var recipes = SampleCatalog.Of(sample);
                var recipe = recipes.LastOrDefault(r => job.Recipe is null || r.Version == job.Recipe);
                if (recipe is null)
                {
                    errors.Add(recipes.Count == 0
                        ? $"{at}: no built-in recipe for '{sample}'; built-in samples are {string.Join(", ", SampleCatalog.Samples)} (set sample, or use kind command)"
                        : $"{at}.recipe is {job.Recipe}; '{sample}' has recipes {string.Join(", ", recipes.Select(r => r.Version))}");
                    break;
                }

                if (trainingData is null)
                {
                    var folder = dataFolder ?? TryFindDataFolder();
                    trainingData = folder is null ? null : Path.Combine(folder, recipe.DataFile);
                }

                if (job.Label != "target")
                {
                    errors.Add($"{at}.label is '{job.Label}'; built-in recipes train on a column named target");
                }

                job = job with { Sample = sample, Recipe = recipe.Version };
                break;
            case RetrainJob.CommandKind:
                if (string.IsNullOrWhiteSpace(job.Command))
                {
                    errors.Add($"{at}.command is empty; a command job runs a command line that writes $SERVING_OUTPUT");
                }

                var workingDirectory = Path.GetFullPath(job.WorkingDirectory ?? ".", baseDirectory);
                if (!Directory.Exists(workingDirectory))
                {
                    errors.Add($"{at}.workingDirectory '{workingDirectory}' does not exist");
                }

                job = job with { WorkingDirectory = workingDirectory };
                break;
            default:
                errors.Add($"{at}.kind is '{job.Kind}'; use builtin or command");
                break;
        }

        if (trainingData is null)
        {
            errors.Add($"{at}.trainingData is not set and no data/ folder was found; give the model's original training CSV");
        }
        else if (!File.Exists(trainingData))
        {
            errors.Add($"{at}.trainingData '{trainingData}' does not exist");
        }
        else if (DvcTrainingData.IsDvcFile(trainingData))
        {
            DvcTrainingData.Check(at, trainingData, errors);
        }
        else if (!CsvDataSet.ReadColumnNames(trainingData).Contains(job.Label))
        {
            errors.Add($"{at}: '{trainingData}' has no label column '{job.Label}'");
        }

        job = job with { Dvc = DvcJobSettings.Resolve(at, job.Dvc, baseDirectory, errors) };
        var dvclive = job.Dvclive?.Dir is { } dvcliveDir ? job.Dvclive with { Dir = Path.GetFullPath(dvcliveDir, baseDirectory) } : job.Dvclive;
        return errors.Count > before ? null : job with { TrainingData = trainingData, Dvclive = dvclive };
    }

    private static string? TryFindDataFolder()
    {
        try
        {
            return DataFolder.Find();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
