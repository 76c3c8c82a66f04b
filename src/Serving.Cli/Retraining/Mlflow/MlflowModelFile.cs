using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Cli.Retraining.Mlflow;

/// <summary>
/// Writes the <c>MLmodel</c> file of a logged ONNX model as <c>mlflow.onnx.log_model</c> does: the <c>onnx</c> and
/// <c>python_function</c> flavors over <c>model.onnx</c>, and the tensor signature as JSON strings, named by the ONNX
/// graph's own inputs and outputs (what MLflow's onnx flavor feeds). So MLflow's UI, <c>mlflow models serve</c> and
/// the gateway's MLflow source all read it.
/// </summary>
public static class MlflowModelFile
{
    public const string FileName = "MLmodel";
    public const string OnnxFile = "model.onnx";
    public const string ArtifactPath = "model";

    public static string Write(ModelSignature signature, string runId, string modelUuid, DateTimeOffset created)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var text = new StringBuilder();
        text.Append("artifact_path: ").Append(ArtifactPath).Append('\n');
        text.Append("flavors:\n");
        text.Append("  onnx:\n    code: null\n    data: ").Append(OnnxFile).Append("\n    onnx_session_options: null\n    providers:\n    - CPUExecutionProvider\n");
        text.Append("  python_function:\n    data: ").Append(OnnxFile).Append("\n    loader_module: mlflow.onnx\n");
        text.Append("model_uuid: ").Append(modelUuid).Append('\n');
        text.Append("run_id: ").Append(runId).Append('\n');
        text.Append("signature:\n");
        text.Append("  inputs: ").Append(Quoted(Specs(signature.Inputs))).Append('\n');
        text.Append("  outputs: ").Append(Quoted(Specs(signature.Outputs))).Append('\n');
        text.Append("  params: null\n");
        text.Append("utc_time_created: '").Append(Time(created)).Append("'\n");
        return text.ToString();
    }

    /// <summary>The <c>mlflow.log-model.history</c> tag's entry for the model, which MLflow's UI lists on the run.</summary>
    public static string HistoryTag(string runId, string modelUuid, DateTimeOffset created) => new JsonArray(new JsonObject
    {
        ["run_id"] = runId,
        ["artifact_path"] = ArtifactPath,
        ["utc_time_created"] = Time(created),
        ["flavors"] = new JsonObject
        {
            ["onnx"] = new JsonObject { ["data"] = OnnxFile, ["providers"] = new JsonArray("CPUExecutionProvider"), ["code"] = null },
            ["python_function"] = new JsonObject { ["data"] = OnnxFile, ["loader_module"] = "mlflow.onnx" },
        },
        ["model_uuid"] = modelUuid,
    }).ToJsonString();

    /// <summary>numpy's name for an OIP datatype.</summary>
    public static string Dtype(string datatype) => datatype switch
    {
        "BOOL" => "bool",
        "INT8" => "int8",
        "INT16" => "int16",
        "INT32" => "int32",
        "INT64" => "int64",
        "UINT8" => "uint8",
        "UINT16" => "uint16",
        "UINT32" => "uint32",
        "UINT64" => "uint64",
        "FP16" => "float16",
        "FP32" => "float32",
        "FP64" => "float64",
        "BYTES" => "str",
        _ => throw new ArgumentException($"no numpy dtype for the datatype '{datatype}'", nameof(datatype)),
    };

    private static string Specs(IReadOnlyList<TensorSpec> specs) => new JsonArray([.. specs.Select(s => (JsonNode)new JsonObject
    {
        ["name"] = s.SourceName,
        ["type"] = "tensor",
        ["tensor-spec"] = new JsonObject { ["dtype"] = Dtype(s.Datatype), ["shape"] = new JsonArray([.. s.Shape.Select(d => (JsonNode)JsonValue.Create(d))]) },
    })]).ToJsonString(new JsonSerializerOptions { WriteIndented = false });

    // A YAML single-quoted scalar: only the quote itself needs escaping (doubled).
    private static string Quoted(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Time(DateTimeOffset created) => created.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
}
