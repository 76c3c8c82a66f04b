namespace Serving.Cli.Retraining.DvcLive;

/// <summary>
/// The file names DVCLive 3.x uses inside its directory (<c>Live(dir=...)</c>, default <c>dvclive</c>): the summary
/// <c>metrics.json</c>, <c>params.yaml</c>, <c>dvc.yaml</c> declaring them, and one TSV per metric under
/// <c>plots/metrics</c> (a <c>/</c> in a metric's name makes subfolders).
/// </summary>
public static class DvcLiveLayout
{
    public const string DefaultDirectory = "dvclive";
    public const string MetricsFile = "metrics.json";
    public const string ParamsFile = "params.yaml";
    public const string DvcYamlFile = "dvc.yaml";

    /// <summary>The plots folder of metric histories, relative to the DVCLive directory, with <c>/</c> as DVC writes it.</summary>
    public const string PlotsMetrics = "plots/metrics";

    /// <summary>The TSV of one metric, relative to the DVCLive directory, e.g. <c>plots/metrics/train/accuracy.tsv</c>.</summary>
    public static string MetricTsv(string name) => $"{PlotsMetrics}/{name}.tsv";
}
