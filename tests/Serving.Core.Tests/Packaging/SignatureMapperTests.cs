using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Core.Tests.Packaging;

public sealed class SignatureMapperTests
{
    [Fact]
    public void A_single_matrix_input_carries_every_feature_in_column_order()
    {
        var inputs = SignatureMapper.Inputs([Spec("Features", -1, 3)], [new TensorRename("input", "Features")], ["a", "b", "c"]);

        var input = Assert.Single(inputs);
        Assert.Equal(("input", "Features"), (input.Name, input.Source));
        Assert.Equal(["a", "b", "c"], input.Features);
    }

    [Fact]
    public void Several_scalar_inputs_are_matched_to_columns_by_name_whatever_their_order()
    {
        var inputs = SignatureMapper.Inputs([Spec("b", -1), Spec("a", -1, 1)], null, ["a", "b", "c"]);

        Assert.Equal(["b", "a"], inputs.Select(i => i.Name));
        Assert.All(inputs, i => Assert.Null(i.Features));
    }

    [Fact]
    public void An_input_no_column_is_named_like_is_refused_with_the_columns()
    {
        var error = Assert.Throws<PackagingException>(() => SignatureMapper.Inputs([Spec("a", -1), Spec("z", -1)], null, ["a", "b"]));

        Assert.Contains("'z'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_renames_serve_only_the_listed_outputs_under_their_new_names()
    {
        var outputs = SignatureMapper.Outputs(
            [Spec("Features.output", -1, 3), Spec("PredictedLabel.output", -1, 1), Spec("Score.output", -1, 3)],
            [new TensorRename("label", "PredictedLabel.output"), new TensorRename("probability", "Score.output")]);

        Assert.Equal([("label", "PredictedLabel.output"), ("probability", "Score.output")], outputs.Select(o => (o.Name, o.Source!)));
    }

    [Fact]
    public void Without_renames_every_output_is_served_under_the_artifact_name()
    {
        var outputs = SignatureMapper.Outputs([Spec("y", -1), Spec("p", -1, 2)], null);

        Assert.Equal([("y", (string?)null), ("p", null)], outputs.Select(o => (o.Name, o.Source)));
    }

    [Fact]
    public void A_rename_of_an_output_the_artifact_lacks_is_refused()
    {
        var error = Assert.Throws<PackagingException>(() => SignatureMapper.Outputs([Spec("y", -1)], [new TensorRename("label", "label.output")]));

        Assert.Contains("label.output", error.Message, StringComparison.Ordinal);
    }

    private static TensorSpec Spec(string name, params long[] shape) => new() { Name = name, Datatype = "FP32", Shape = shape };
}
