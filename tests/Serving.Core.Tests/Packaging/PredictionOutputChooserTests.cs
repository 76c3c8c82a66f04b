using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Core.Tests.Packaging;

public sealed class PredictionOutputChooserTests
{
    [Fact]
    public void An_output_named_like_a_label_wins_over_the_others() =>
        Assert.Equal("output_label", PredictionOutputChooser.Choose([Spec("scores"), Spec("output_label")], ModelTasks.Binary, null));

    [Fact]
    public void A_probability_output_is_chosen_for_a_classifier_without_a_label_output() =>
        Assert.Equal("probabilities", PredictionOutputChooser.Choose([Spec("logits"), Spec("probabilities")], ModelTasks.Multiclass, null));

    [Fact]
    public void The_first_output_is_chosen_for_a_regressor_without_a_prediction_output() =>
        Assert.Equal("variable", PredictionOutputChooser.Choose([Spec("variable"), Spec("probabilities")], ModelTasks.Regression, null));

    [Fact]
    public void A_requested_output_is_taken_as_is() =>
        Assert.Equal("scores", PredictionOutputChooser.Choose([Spec("label"), Spec("scores")], ModelTasks.Binary, "scores"));

    [Fact]
    public void A_requested_output_that_does_not_exist_is_refused()
    {
        var error = Assert.Throws<PackagingException>(() => PredictionOutputChooser.Choose([Spec("label")], ModelTasks.Binary, "nope"));

        Assert.Contains("label", error.Message, StringComparison.Ordinal);
    }

    private static TensorSpec Spec(string name) => new() { Name = name, Datatype = "FP32", Shape = [-1] };
}
