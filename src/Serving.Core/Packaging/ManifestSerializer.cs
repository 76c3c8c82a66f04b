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
            var manifest = JsonSerializer.Deserialize<ModelManifest>(json, Options)
                ?? throw new InvalidDataException("manifest is null");
            RefuseNullElements(json);
            return manifest;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"malformed manifest: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// No list in a manifest holds null: <see cref="Serialize"/> never writes one, and nothing that reads the lists
    /// (the rules, warm-up, drift's baseline) expects one, while <see cref="JsonSerializerOptions.RespectNullableAnnotations"/>
    /// checks properties but not the elements of a collection. A hand-edited <c>"inputs": [null]</c> once threw past
    /// every check and stopped the registry's scan.
    /// </summary>
    private static void RefuseNullElements(string json)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        var containers = new Stack<(bool IsList, string? Name)>();
        string? property = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    property = reader.GetString();
                    break;
                case JsonTokenType.StartArray or JsonTokenType.StartObject:
                    containers.Push((reader.TokenType == JsonTokenType.StartArray, property));
                    property = null;
                    break;
                case JsonTokenType.EndArray or JsonTokenType.EndObject:
                    containers.Pop();
                    break;
                case JsonTokenType.Null when containers.TryPeek(out var list) && list.IsList:
                    throw new InvalidDataException($"malformed manifest: the list '{list.Name ?? "(unnamed)"}' holds null; remove the entry or give it a value");
                default:
                    // A value ends its property: a list that follows in a list is not that property's.
                    property = null;
                    break;
            }
        }
    }

    public static ModelManifest Read(string versionDirectory) =>
        Deserialize(File.ReadAllText(Path.Combine(versionDirectory, FileName)));

    public static void Write(string versionDirectory, ModelManifest manifest) =>
        File.WriteAllText(Path.Combine(versionDirectory, FileName), Serialize(manifest) + "\n");
}
