using Serving.Core.Contracts;
using Serving.Core.Runtimes;

namespace Serving.Core.Tests.Runtimes;

/// <summary>A checked call's names: one answer name per output run, at least one output, and renaming by position.</summary>
public sealed class CheckedCallNamesTests
{
    private static Tensor Value(string name) => Tensor.FromValues<float>(name, TensorDataType.FP32, [1], [1f]);

    [Fact]
    public void A_call_names_the_outputs_it_runs_one_answer_name_each()
    {
        Assert.Throws<ArgumentException>(() => new CheckedCallNames(["x"], [], []));
        Assert.Throws<ArgumentException>(() => new CheckedCallNames(["x"], ["y", "z"], ["answer"]));
    }

    [Fact]
    public void Inputs_and_answers_are_renamed_by_position_and_the_callers_tensors_keep_their_names()
    {
        var names = new CheckedCallNames(["graph_a", "graph_b"], ["graph_y"], ["y"]);
        Tensor[] inputs = [Value("a"), Value("graph_b")];

        var renamed = names.InputsUnderArtifactNames(inputs);
        var answer = names.NameAnswer([Value("graph_y")]);

        Assert.Equal(["graph_a", "graph_b"], renamed.Select(t => t.Name));
        Assert.Same(inputs[1], renamed[1]);
        Assert.Equal("a", inputs[0].Name);
        Assert.Equal("y", answer[0].Name);
        Assert.Throws<ArgumentException>(() => names.InputsUnderArtifactNames([Value("a")]));
        Assert.Throws<ArgumentException>(() => names.NameAnswer([Value("graph_y"), Value("graph_z")]));
    }
}
