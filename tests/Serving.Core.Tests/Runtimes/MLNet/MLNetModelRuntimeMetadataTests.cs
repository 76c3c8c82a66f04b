using Serving.Core.Runtimes.MLNet;

namespace Serving.Core.Tests.Runtimes.MLNet;

public sealed class MLNetModelRuntimeMetadataTests : IDisposable
{
    private readonly MLNetTrainedModels _models = new();

    public void Dispose() => _models.Dispose();

    [Fact]
    public void Inputs_are_the_columns_the_outputs_depend_on_and_leave_out_the_label()
    {
        using var runtime = MLNetModelRuntime.Load(_models.Regression().Path);

        Assert.Equal(["Size", "Rooms", "Age"], runtime.Inputs.Select(i => i.Name));
        Assert.All(runtime.Inputs, i => Assert.Equal("FP32", i.Datatype));
        Assert.All(runtime.Inputs, i => Assert.Equal([-1L], i.Shape));
    }

    [Fact]
    public void Outputs_leave_out_pass_through_and_intermediate_columns()
    {
        using var runtime = MLNetModelRuntime.Load(_models.Regression().Path);

        var output = Assert.Single(runtime.Outputs);
        Assert.Equal("Score", output.Name);
        Assert.Equal("FP32", output.Datatype);
        Assert.Equal([-1L], output.Shape);
    }

    [Fact]
    public void A_binary_classifier_exposes_score_boolean_label_and_probability()
    {
        using var runtime = MLNetModelRuntime.Load(_models.Binary().Path);

        Assert.Equal(["PredictedLabel", "Score", "Probability"], runtime.Outputs.Select(o => o.Name));
        Assert.Equal(["BOOL", "FP32", "FP32"], runtime.Outputs.Select(o => o.Datatype));
    }

    [Fact]
    public void Text_inputs_are_bytes()
    {
        using var runtime = MLNetModelRuntime.Load(_models.Binary().Path);

        Assert.Equal(["Text", "Stars"], runtime.Inputs.Select(i => i.Name));
        Assert.Equal(["BYTES", "FP32"], runtime.Inputs.Select(i => i.Datatype));
    }

    [Fact]
    public void Vector_columns_are_minus_one_by_k_and_key_columns_are_uint32()
    {
        using var runtime = MLNetModelRuntime.Load(_models.Multiclass().Path);

        var input = Assert.Single(runtime.Inputs);
        Assert.Equal("Features", input.Name);
        Assert.Equal([-1L, 3L], input.Shape);
        var label = runtime.Outputs.Single(o => o.Name == "PredictedLabel");
        Assert.Equal("UINT32", label.Datatype);
        var score = runtime.Outputs.Single(o => o.Name == "Score");
        Assert.Equal([-1L, 3L], score.Shape);
    }
}
