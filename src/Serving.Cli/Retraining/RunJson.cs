using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serving.Cli.Retraining;

/// <summary>The one set of JSON options the retrainer answers and reports with (camelCase, nulls left out).</summary>
public static class RunJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
