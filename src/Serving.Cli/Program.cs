using Serving.Cli.Training;

foreach (var recipe in SampleCatalog.All)
{
    var trained = SampleTrainer.Train(recipe, "data");
    var path = $"/tmp/exp-{recipe.Sample}-{recipe.Version}.{(recipe.Format == "onnx" ? "onnx" : "zip")}";
    trained.SaveArtifact(path);
    Console.WriteLine($"{path} {string.Join(", ", trained.Metrics.Select(m => $"{m.Key}={m.Value:F4}"))}");
    var p = trained.Predict(trained.Data);
    foreach (var (k, v) in p)
    {
        Console.WriteLine($"  {k}: {string.Join(" | ", v.Take(3).Select(r => string.Join(",", r)))}");
    }
}

return 0;
