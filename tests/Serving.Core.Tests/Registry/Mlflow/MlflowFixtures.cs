namespace Serving.Core.Tests.Registry.Mlflow;

/// <summary>The committed MLflow fixtures (see Fixtures/Mlflow/README.md).</summary>
internal static class MlflowFixtures
{
    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Mlflow", file);

    public static byte[] Bytes(string file) => File.ReadAllBytes(PathOf(file));

    /// <summary>Writes an MLflow model folder: the MLmodel fixture and the ONNX file it names as model.onnx.</summary>
    public static string ModelFolder(string parent, string mlmodel, string onnx)
    {
        var folder = Path.Combine(parent, "mlflow-model");
        Directory.CreateDirectory(folder);
        File.Copy(PathOf(mlmodel), Path.Combine(folder, "MLmodel"));
        File.Copy(PathOf(onnx), Path.Combine(folder, "model.onnx"));
        return folder;
    }
}
