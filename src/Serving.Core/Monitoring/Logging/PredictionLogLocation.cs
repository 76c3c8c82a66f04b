using System.Globalization;
using System.Text.Json.Nodes;
using Serving.Core.Monitoring.Logging.Redis;

namespace Serving.Core.Monitoring.Logging;

/// <summary>
/// Where the logged predictions of a model are, as events tell it to whoever acts on them (the retrainer reads the
/// predictions of a drifted window): a folder of JSON Lines files, a Redis stream, or nowhere (logging off).
/// </summary>
public sealed class PredictionLogLocation
{
    private readonly string? _directory;
    private readonly bool _redis;

    private PredictionLogLocation(string? directory, bool redis)
    {
        _directory = directory;
        _redis = redis;
    }

    /// <summary>Predictions are not logged.</summary>
    public static PredictionLogLocation None { get; } = new(null, redis: false);

    /// <summary>Redis Streams, one per model (<see cref="RedisPredictionStreams.KeyOf"/>).</summary>
    public static PredictionLogLocation RedisStreams { get; } = new(null, redis: true);

    /// <summary>JSON Lines files under <paramref name="directory"/> (<see cref="JsonLinesPredictionSink"/>'s layout).</summary>
    public static PredictionLogLocation Files(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return new PredictionLogLocation(Path.GetFullPath(directory), redis: false);
    }

    /// <summary>
    /// Where <paramref name="model"/>'s predictions made in [<paramref name="from"/>, <paramref name="to"/>] are:
    /// <c>{"sink": "files", "directory", "files": [names]}</c> (the day files covering the window that exist now; files
    /// are per UTC day, so they also hold predictions outside the window), <c>{"sink": "redis", "stream"}</c>, or null.
    /// </summary>
    public JsonObject? Describe(string model, DateTimeOffset from, DateTimeOffset to)
    {
        if (_redis)
        {
            return new JsonObject { ["sink"] = "redis", ["stream"] = RedisPredictionStreams.KeyOf(model) };
        }

        if (_directory is null)
        {
            return null;
        }

        var folder = Path.Combine(_directory, JsonLinesPredictionSink.SafeName(model));
        return new JsonObject
        {
            ["sink"] = "files",
            ["directory"] = folder,
            ["files"] = new JsonArray([.. DayFiles(folder, from, to).Select(f => (JsonNode?)JsonValue.Create(f))]),
        };
    }

    /// <summary>The names of the existing files of each UTC day the window touches, in day and part order.</summary>
    private static IEnumerable<string> DayFiles(string folder, DateTimeOffset from, DateTimeOffset to)
    {
        if (!Directory.Exists(folder) || to < from)
        {
            return [];
        }

        var names = new List<string>();
        try
        {
            // A window spans a few days at most; a listing per day is cheap next to an event.
            for (var day = DateOnly.FromDateTime(from.UtcDateTime); day <= DateOnly.FromDateTime(to.UtcDateTime); day = day.AddDays(1))
            {
                var text = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                names.AddRange(Directory.EnumerateFiles(folder, text + "*.jsonl")
                    .Select(Path.GetFileName)
                    .OfType<string>()
                    .Select(name => (Name: name, Part: PartOf(name, text)))
                    .Where(f => f.Part >= 0)
                    .OrderBy(f => f.Part)
                    .Select(f => f.Name));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The folder is still named; which files it holds is a convenience.
        }

        return names;
    }

    // "2026-03-01.jsonl" is part 0, "2026-03-01.2.jsonl" part 2; anything else is not the sink's.
    private static int PartOf(string name, string day)
    {
        var rest = name[day.Length..^".jsonl".Length];
        return rest.Length == 0 ? 0
            : rest[0] == '.' && int.TryParse(rest.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var part) ? part
            : -1;
    }
}
