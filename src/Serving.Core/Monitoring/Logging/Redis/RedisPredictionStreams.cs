namespace Serving.Core.Monitoring.Logging.Redis;

/// <summary>The names the Redis prediction log uses: one stream per model and the fields of each entry.</summary>
public static class RedisPredictionStreams
{
    /// <summary>Prefix of every prediction stream key; the model name follows it.</summary>
    public const string KeyPrefix = "serving:predictions:";

    /// <summary>Entry field holding the whole record as JSON, the same object a JSON Lines file holds per line.</summary>
    public const string RecordField = "record";

    /// <summary>Entry field holding the prediction id, so readers can filter without parsing the record.</summary>
    public const string IdField = "id";

    /// <summary>Entry field holding the model name.</summary>
    public const string ModelField = "model";

    /// <summary>Entry field holding the version that answered.</summary>
    public const string VersionField = "version";

    /// <summary>The stream key of <paramref name="model"/>'s predictions: <c>serving:predictions:&lt;model&gt;</c>.</summary>
    public static string KeyOf(string model)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        return KeyPrefix + model;
    }
}
