using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Serving.Core.Packaging;

namespace Serving.Cli.Retraining;

/// <summary>
/// Writes a run's training data: the model's original CSV plus the labelled logged predictions of the window, with the
/// original CSV's columns (features and label) in its order. The split is by content, not position: a logged row is
/// held out when the SHA-256 of <c>serving-retrain:</c> and its CSV line, read as a number, is divisible by 5 (about
/// one row in five, the same rows whatever their order or the run); held-out rows never train the candidate. Every
/// original row trains it, as every one trained the stable version. The gate scores on the held-out logged rows (new
/// to both) when there are at least <c>minHeldOutRows</c>; otherwise the original rows the same hash picks join them.
/// </summary>
internal static class TrainingDataBuilder
{
    public const int HeldOutOneIn = 5;
    private const string Seed = "serving-retrain:";

    public static TrainingSet Build(string originalCsv, string label, LoggedExamples.Result logged, int minHeldOutRows, string directory)
    {
        var original = CsvDataSet.Load(originalCsv);
        var columns = original.ColumnNames;
        var header = string.Join(',', columns.Select(Quote));
        var originalLines = new List<string>(original.Rows);
        for (var r = 0; r < original.Rows; r++)
        {
            var row = r;
            originalLines.Add(string.Join(',', columns.Select((_, c) => Cell(original.Column(c)[row]))));
        }

        var loggedLines = new List<string>(logged.Rows.Count);
        foreach (var (features, value) in logged.Rows)
        {
            // A logged row missing a feature of the CSV (a signature that changed) cannot be a training row.
            if (columns.All(c => c == label || features.ContainsKey(c)))
            {
                loggedLines.Add(string.Join(',', columns.Select(c => Cell(c == label ? value : features[c]))));
            }
        }

        var combined = Path.Combine(directory, "combined.csv");
        File.WriteAllLines(combined, [header, .. originalLines, .. loggedLines]);
        var window = Path.Combine(directory, "window.csv");
        File.WriteAllLines(window, [header, .. loggedLines]);

        // Every original row trains the candidate, as every one trained the stable version: the gate then compares
        // like with like. Held-out logged rows are new to both; only when too few exist are original rows scored too.
        var loggedHeldOut = loggedLines.Where(IsHeldOut).ToList();
        var useOriginal = loggedHeldOut.Count < minHeldOutRows;
        var heldOut = useOriginal ? [.. loggedHeldOut, .. originalLines.Where(IsHeldOut)] : loggedHeldOut;
        var train = originalLines.Concat(loggedLines.Where(l => !IsHeldOut(l))).ToList();
        var trainPath = Path.Combine(directory, "train.csv");
        var heldOutPath = Path.Combine(directory, "heldout.csv");
        File.WriteAllLines(trainPath, [header, .. train]);
        File.WriteAllLines(heldOutPath, [header, .. heldOut]);

        var split = useOriginal
            ? $"rows whose SHA-256 of '{Seed}'+line is divisible by {HeldOutOneIn}: {loggedHeldOut.Count} logged (fewer than minHeldOutRows {minHeldOutRows}) and {heldOut.Count - loggedHeldOut.Count} original (which both versions trained on)"
            : $"logged rows whose SHA-256 of '{Seed}'+line is divisible by {HeldOutOneIn}: {loggedHeldOut.Count}";
        return new TrainingSet(combined, trainPath, heldOutPath, Checksums.Sha256OfFile(combined), label, originalLines.Count, loggedLines.Count, train.Count, heldOut.Count, split)
        {
            WindowPath = window,
        };
    }

    /// <summary>The deterministic split: true for about one line in <see cref="HeldOutOneIn"/>.</summary>
    public static bool IsHeldOut(string line)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Seed + line));
        return BinaryPrimitives.ReadUInt64BigEndian(hash) % HeldOutOneIn == 0;
    }

    private static string Cell(double value) => double.IsNaN(value) ? string.Empty : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string name) =>
        name.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : name;
}
