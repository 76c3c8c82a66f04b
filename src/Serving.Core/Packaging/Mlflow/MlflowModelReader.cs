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
        var onnx = flavors.Children.TryGetValue(new YamlScalarNode("onnx"), out var onnxNode) ? onnxNode as YamlMappingNode : null;
        var signature = Child(root, "signature") as YamlMappingNode;
        return new MlflowModel
        {
            Flavors = flavors.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!).ToList(),
            OnnxData = onnx is null ? null : Scalar(onnx, "data") ?? "model.onnx",
            Inputs = signature is null ? null : Entries(Scalar(signature, "inputs"), "inputs", source),
            Outputs = signature is null ? null : Entries(Scalar(signature, "outputs"), "outputs", source),
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
        Child(map, key) is YamlScalarNode { Value: { } value } scalar
        && !(scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && value is "null" or "~" or "")
            ? value
            : null;

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
        var name = element.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        var type = element.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()!
            : throw new PackagingException($"{source}: a signature {part} entry has no type: {element.GetRawText()}");
        if (type != "tensor")
        {
            return new MlflowSignatureEntry(name, type, null, null);
        }

        if (!element.TryGetProperty("tensor-spec", out var spec) || spec.ValueKind != JsonValueKind.Object
            || !spec.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !spec.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array)
        {
            throw new PackagingException($"{source}: the tensor {part} entry {element.GetRawText()} needs a tensor-spec with dtype and shape");
        }

        return new MlflowSignatureEntry(name, type, dtype.GetString(), shape.EnumerateArray().Select(d => d.GetInt64()).ToList());
    }
}
