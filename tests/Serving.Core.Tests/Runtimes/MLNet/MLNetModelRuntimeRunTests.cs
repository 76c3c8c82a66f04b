using System.Text;
using Microsoft.ML;
using Serving.Core.Contracts;
using Serving.Core.Runtimes.MLNet;
using static Serving.Core.Tests.Runtimes.MLNet.MLNetTrainedModels;

namespace Serving.Core.Tests.Runtimes.MLNet;

public sealed class MLNetModelRuntimeRunTests : IDisposable
{
    private readonly MLNetTrainedModels _models = new();

    public void Dispose() => _models.Dispose();

    [Fact]
    public async Task A_batch_of_rows_scores_as_a_prediction_engine_scores_each_row()
    {
        var (path, model) = _models.Regression();
        using var runtime = MLNetModelRuntime.Load(path);
        var engine = _models.Context.Model.CreatePredictionEngine<HouseRow, ScoreOnly>(model);
        var rows = Houses.Take(12).ToArray();

        var outputs = await runtime.RunAsync(HouseTensors(rows), ["Score"], TestContext.Current.CancellationToken);

        var score = Assert.Single(outputs);
        Assert.Equal([12L], score.Shape);
        Assert.Equal(rows.Select(r => engine.Predict(r).Score), score.AsSpan<float>().ToArray());
    }

    [Fact]
    public void Scalar_inputs_may_also_come_as_n_by_one()
    {
        var (path, _) = _models.Regression();
        using var runtime = MLNetModelRuntime.Load(path);
        var rows = Houses.Take(3).ToArray();
        var flat = runtime.Run(HouseTensors(rows), ["Score"])[0];

        var columns = HouseTensors(rows).Select(t => Tensor.FromBytes(t.Name, t.DataType, [3, 1], t.Data)).ToArray();
        var tall = runtime.Run(columns, ["Score"])[0];

        Assert.Equal(flat.Data, tall.Data);
    }

    [Fact]
    public void A_binary_classifier_matches_its_prediction_engine_on_text_and_boolean_columns()
    {
        var (path, model) = _models.Binary();
        using var runtime = MLNetModelRuntime.Load(path);
        var engine = _models.Context.Model.CreatePredictionEngine<ReviewRow, BinaryPrediction>(model);
        ReviewRow[] rows = [new() { Text = "great, works well", Stars = 5 }, new() { Text = "broken waste, terrible", Stars = 1 }, new() { Text = "größe 日本", Stars = 3 }];
        var text = Tensor.FromElements("Text", [rows.Length], [.. rows.Select(r => Encoding.UTF8.GetBytes(r.Text))]);
        var stars = Tensor.FromValues<float>("Stars", TensorDataType.FP32, [rows.Length], rows.Select(r => r.Stars).ToArray());

        var outputs = runtime.Run([text, stars], ["PredictedLabel", "Probability", "Score"]);

        var expected = rows.Select(engine.Predict).ToArray();
        Assert.Equal(TensorDataType.Bool, outputs[0].DataType);
        Assert.Equal(expected.Select(e => e.PredictedLabel), outputs[0].AsSpan<bool>().ToArray());
        Assert.Equal(expected.Select(e => e.Probability), outputs[1].AsSpan<float>().ToArray());
        Assert.Equal(expected.Select(e => e.Score), outputs[2].AsSpan<float>().ToArray());
        Assert.True(outputs[0].AsSpan<bool>()[0] && !outputs[0].AsSpan<bool>()[1], "the classifier should have learned the two obvious reviews");
    }

    [Fact]
    public void A_multiclass_model_returns_raw_keys_and_vector_scores_as_its_prediction_engine_does()
    {
        var (path, model) = _models.Multiclass();
        using var runtime = MLNetModelRuntime.Load(path);
        var engine = _models.Context.Model.CreatePredictionEngine<IrisRow, MulticlassPrediction>(model);
        var rows = Flowers.Take(5).ToArray();
        var features = Tensor.FromValues<float>("Features", TensorDataType.FP32, [rows.Length, 3], rows.SelectMany(r => r.Features).ToArray());

        var outputs = runtime.Run([features], ["PredictedLabel", "Score"]);

        var expected = rows.Select(engine.Predict).ToArray();
        Assert.Equal(expected.Select(e => e.PredictedLabel), outputs[0].AsSpan<uint>().ToArray());
        Assert.Equal([5L, 3L], outputs[1].Shape);
        Assert.Equal(expected.SelectMany(e => e.Score), outputs[1].AsSpan<float>().ToArray());
    }

    [Fact]
    public void No_output_names_asks_for_every_output()
    {
        using var runtime = MLNetModelRuntime.Load(_models.Binary().Path);
        var text = Tensor.FromElements("Text", [1], [Encoding.UTF8.GetBytes("great")]);
        var stars = Tensor.FromValues<float>("Stars", TensorDataType.FP32, [1], [4f]);

        var outputs = runtime.Run([text, stars], []);

        Assert.Equal(["PredictedLabel", "Score", "Probability"], outputs.Select(o => o.Name));
    }

    [Fact]
    public void A_batch_of_zero_rows_gives_empty_outputs()
    {
        using var runtime = MLNetModelRuntime.Load(_models.Multiclass().Path);

        var outputs = runtime.Run([Tensor.FromBytes("Features", TensorDataType.FP32, [0, 3], [])], ["Score"]);

        Assert.Equal([0L, 3L], outputs[0].Shape);
    }

    [Fact]
    public void A_missing_input_is_a_bad_request_that_names_it()
    {
        using var runtime = MLNetModelRuntime.Load(_models.Regression().Path);

        var error = Assert.Throws<InferenceException>(() => runtime.Run(HouseTensors(Houses.Take(1).ToArray()).Take(2).ToArray(), ["Score"]));

        Assert.Equal(InferenceErrorKind.BadRequest, error.Kind);
        Assert.Contains("'Age'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_datatype_is_a_bad_request()
    {
        using var runtime = MLNetModelRuntime.Load(_models.Multiclass().Path);

        var error = Assert.Throws<InferenceException>(() => runtime.Run([Tensor.FromValues<double>("Features", TensorDataType.FP64, [1, 3], [1, 2, 3])], ["Score"]));

        Assert.Equal(InferenceErrorKind.BadRequest, error.Kind);
        Assert.Contains("FP64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vector_of_the_wrong_width_is_a_bad_request()
    {
        using var runtime = MLNetModelRuntime.Load(_models.Multiclass().Path);

        var error = Assert.Throws<InferenceException>(() => runtime.Run([Tensor.FromValues<float>("Features", TensorDataType.FP32, [1, 4], [1, 2, 3, 4])], ["Score"]));

        Assert.Equal(InferenceErrorKind.BadRequest, error.Kind);
        Assert.Contains("[N,3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inputs_with_different_row_counts_are_a_bad_request()
    {
        using var runtime = MLNetModelRuntime.Load(_models.Regression().Path);
        var tensors = HouseTensors(Houses.Take(2).ToArray());
        tensors[2] = Tensor.FromValues<float>("Age", TensorDataType.FP32, [3], [1, 2, 3]);

        var error = Assert.Throws<InferenceException>(() => runtime.Run(tensors, ["Score"]));

        Assert.Equal(InferenceErrorKind.BadRequest, error.Kind);
    }

    [Fact]
    public void An_unknown_output_is_a_bad_request()
    {
        using var runtime = MLNetModelRuntime.Load(_models.Regression().Path);

        var error = Assert.Throws<InferenceException>(() => runtime.Run(HouseTensors(Houses.Take(1).ToArray()), ["Features"]));

        Assert.Equal(InferenceErrorKind.BadRequest, error.Kind);
    }

    internal static Tensor[] HouseTensors(HouseRow[] rows) =>
    [
        Tensor.FromValues<float>("Size", TensorDataType.FP32, [rows.Length], rows.Select(r => r.Size).ToArray()),
        Tensor.FromValues<float>("Rooms", TensorDataType.FP32, [rows.Length], rows.Select(r => r.Rooms).ToArray()),
        Tensor.FromValues<float>("Age", TensorDataType.FP32, [rows.Length], rows.Select(r => r.Age).ToArray()),
    ];
}
