using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Serving.Core.Packaging.Mlflow;

/// <summary>
/// Reads the <c>MLmodel</c> file of an MLflow model folder. The signature's inputs and outputs are JSON arrays
/// stored as YAML strings, so they are parsed twice: YAML for the file, JSON for each list.
/// </summary>
public static class MlflowModelReader
{
    /// <summary>The file that makes a folder an MLflow model.</summary>
    public const string FileName = "MLmodel";

    /// <summary>Whether a folder is an MLflow model folder (holds an <c>MLmodel</c> file).</summary>
    public static bool IsModelFolder(string path) => Directory.Exists(path) && File.Exists(Path.Combine(path, FileName));

    /// <summary>Reads <c>&lt;folder&gt;/MLmodel</c>; throws <see cref="PackagingException"/> that says what is wrong.</summary>
    public static MlflowModel ReadFolder(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            throw new PackagingException($"'{folder}' is not an MLflow model folder: it has no {FileName} file");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses the text of an MLmodel file; <paramref name="source"/> names it in errors.</summary>
    public static MlflowModel Parse(string yaml, string source = FileName)
    {
        var root = LoadRoot(yaml, source);
        var flavors = root.Children.TryGetValue(new YamlScalarNode("flavors"), out var flavorNode) && flavorNode is YamlMappingNode flavorMap
            ? flavorMap
            : throw new PackagingException($"{source} has no 'flavors' section");
        var onnx = flavors.Children.TryGetValue(new YamlScalarNode("onnx"), out var onnxNode)
            ? onnxNode as YamlMappingNode ?? throw new PackagingException($"{source}: the onnx flavor is not a mapping (expected keys such as 'data')")
            : null;
        var signature = Child(root, "signature") switch
        {
            null => null,
            YamlMappingNode map => map,
            var node when IsNull(node) => null,
            _ => throw new PackagingException($"{source}: 'signature' is not a mapping with inputs and outputs"),
        };
        return new MlflowModel
        {
            Flavors = flavors.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!).ToList(),
            OnnxData = onnx is null ? null : Scalar(onnx, "data") ?? "model.onnx",
            Inputs = signature is null ? null : Entries(JsonText(signature, "inputs", source), "inputs", source),
            Outputs = signature is null ? null : Entries(JsonText(signature, "outputs", source), "outputs", source),
            RunId = Scalar(root, "run_id"),
            ModelUuid = Scalar(root, "model_uuid"),
            MlflowVersion = Scalar(root, "mlflow_version"),
            ArtifactPath = Scalar(root, "artifact_path"),
        };
    }

    private static YamlMappingNode LoadRoot(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new PackagingException($"{source} is not valid YAML: {ex.Message}", ex);
        }

        return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root
            ? root
            : throw new PackagingException($"{source} is not a YAML mapping");
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    /// <summary>A scalar value, with YAML's null spellings read as null.</summary>
    private static string? Scalar(YamlMappingNode map, string key) =>
        Child(map, key) is YamlScalarNode { Value: { } value } scalar && !IsNull(scalar)
            ? value
            : null;

    /// <summary>Whether a node is one of YAML's null spellings (<c>null</c>, <c>~</c> or nothing).</summary>
    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Value: var value } scalar
        && (value is null || (scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && value is "null" or "~" or ""));

    /// <summary>The JSON text MLflow stores a signature part in: a YAML string; a list or mapping there is refused, not skipped.</summary>
    private static string? JsonText(YamlMappingNode signature, string part, string source) => Child(signature, part) switch
    {
        null => null,
        var node when IsNull(node) => null,
        YamlScalarNode { Value: { } value } => value,
        _ => throw new PackagingException($"{source}: signature {part} is not a string holding a JSON list"),
    };

    private static List<MlflowSignatureEntry>? Entries(string? json, string part, string source)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new PackagingException($"{source}: signature {part} is not a JSON list");
            }

            return document.RootElement.EnumerateArray().Select(e => Entry(e, part, source)).ToList();
        }
        catch (JsonException ex)
        {
            throw new PackagingException($"{source}: signature {part} is not valid JSON: {ex.Message}", ex);
        }
    }

    private static MlflowSignatureEntry Entry(JsonElement element, string part, string source)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new PackagingException($"{source}: the signature {part} entry {Show(element)} is not a JSON object");
        }

        var name = element.TryGetProperty("name", out var n) && n.ValueKind != JsonValueKind.Null
            ? n.ValueKind == JsonValueKind.String
                ? n.GetString()
                : throw new PackagingException($"{source}: the signature {part} entry {Show(element)} has a name that is not a string")
            : null;
        var type = element.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()!
            : throw new PackagingException($"{source}: a signature {part} entry has no type: {Show(element)}");
        if (type != "tensor")
        {
            return new MlflowSignatureEntry(name, type, null, null);
        }

        if (!element.TryGetProperty("tensor-spec", out var spec) || spec.ValueKind != JsonValueKind.Object
            || !spec.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !spec.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array)
        {
            throw new PackagingException($"{source}: the tensor {part} entry {Show(element)} needs a tensor-spec with dtype and shape");
        }

        var dimensions = new List<long>();
        foreach (var dimension in shape.EnumerateArray())
        {
            // A dimension is a whole number, -1 for a variable one; "x", 4.5 or null cannot be a size.
            if (dimension.ValueKind != JsonValueKind.Number || !dimension.TryGetInt64(out var size) || size < -1)
            {
                throw new PackagingException(
                    $"{source}: the tensor {part} entry {Show(element)} has the shape item {Show(dimension)}; shape items must be whole numbers, -1 for a variable dimension");
            }

            dimensions.Add(size);
        }

        return new MlflowSignatureEntry(name, type, dtype.GetString(), dimensions);
    }

    /// <summary>An entry as compact JSON on one line (the signature may be pretty-printed), cut short when long.</summary>
    private static string Show(JsonElement element)
    {
        var text = JsonSerializer.Serialize(element);
        return text.Length <= 200 ? text : text[..200] + "...";
    }
}
