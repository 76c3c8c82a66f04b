using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Registry;

namespace Serving.Core.Tests.Inference;

/// <summary>
/// Checking inputs for a checked call copies nothing when the caller lists them in signature order, and puts them in
/// that order otherwise, each under the caller's own name; binding renames them to the artifact's names.
/// </summary>
public sealed class RequestValidatorTests
{
    private static readonly SignatureBinding Binding = SignatureBinding.Create(new ModelSignature
    {
        Inputs =
        [
            new TensorSpec { Name = "a", Source = "graph_a", Datatype = "FP32", Shape = [-1, 2] },
            new TensorSpec { Name = "b", Source = "graph_b", Datatype = "FP32", Shape = [-1, 1] },
        ],
        Outputs = [new TensorSpec { Name = "out", Source = "graph_out", Datatype = "FP32", Shape = [-1, 1] }],
    });

    private static readonly Tensor A = Tensor.FromValues<float>("a", TensorDataType.FP32, [1, 2], [1f, 2f]);
    private static readonly Tensor B = Tensor.FromValues<float>("b", TensorDataType.FP32, [1, 1], [3f]);

    [Fact]
    public void Inputs_in_signature_order_come_back_as_the_callers_own_list()
    {
        Tensor[] inputs = [A, B];

        Assert.Same(inputs, RequestValidator.CheckInputs("m", Binding, inputs));
    }

    [Fact]
    public void Inputs_in_another_order_are_put_in_signature_order_under_the_callers_names()
    {
        var checkedInputs = RequestValidator.CheckInputs("m", Binding, [B, A]);

        Assert.Equal([A, B], checkedInputs);
        Assert.Equal(["graph_a", "graph_b"], Binding.AllOutputsCall.Inputs);
    }

    [Fact]
    public void Binding_renames_to_the_artifacts_names_and_leaves_the_callers_tensors_alone()
    {
        var bound = RequestValidator.BindInputs("m", Binding, [B, A]);

        Assert.Equal(["graph_a", "graph_b"], bound.Select(t => t.Name));
        Assert.Same(A.Data, bound[0].Data);
        Assert.Equal("a", A.Name);
    }

    [Theory]
    [InlineData("twice", "input 'a' is given twice")]
    [InlineData("missing", "missing input 'b'")]
    [InlineData("unknown", "has no input 'c'")]
    [InlineData("rows", "has 2 rows but other inputs have 1")]
    public void Each_fault_is_a_bad_request_that_names_the_input(string fault, string expected)
    {
        Tensor[] inputs = fault switch
        {
            "twice" => [A, A, B],
            "missing" => [A],
            "unknown" => [A, B, Tensor.FromValues<float>("c", TensorDataType.FP32, [1, 1], [0f])],
            _ => [A, Tensor.FromValues<float>("b", TensorDataType.FP32, [2, 1], [0f, 1f])],
        };

        var error = Assert.Throws<InferenceException>(() => RequestValidator.CheckInputs("m", Binding, inputs));

        Assert.Equal(InferenceErrorKind.BadRequest, error.Kind);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_call_for_some_outputs_names_only_those()
    {
        var outputs = RequestValidator.SelectOutputs("m", Binding, ["out"]);

        var call = Binding.CallFor(outputs);

        Assert.Equal(["graph_out"], call.Outputs);
        Assert.Equal(["out"], call.Answers);
        Assert.Same(Binding.AllOutputsCall, Binding.CallFor(Binding.Outputs));
    }
}
