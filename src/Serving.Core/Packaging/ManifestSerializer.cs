using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Serving.Core.Contracts;

namespace Serving.Core.Packaging;

/// <summary>Reads and writes <c>model.json</c> with one set of JSON options.</summary>
public static class ManifestSerializer
{
    public const string FileName = "model.json";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        // Feature names such as "od280/od315" or "it's" stay readable in the file.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    public static string Serialize(ModelManifest manifest) => JsonSerializer.Serialize(manifest, Options);

    /// <summary>Parses a manifest; throws <see cref="InvalidDataException"/> that says what is wrong.</summary>
    public static ModelManifest Deserialize(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ModelManifest>(json, Options)
                ?? throw new InvalidDataException("manifest is null");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"malformed manifest: {ex.Message}", ex);
        }
    }

    public static ModelManifest Read(string versionDirectory) =>
        Deserialize(File.ReadAllText(Path.Combine(versionDirectory, FileName)));

    public static void Write(string versionDirectory, ModelManifest manifest) =>
        File.WriteAllText(Path.Combine(versionDirectory, FileName), Serialize(manifest) + "\n");
}
