using Serving.Core.Runtimes.Onnx;

namespace Serving.Core.Tests.Runtimes.Onnx;

public sealed class OnnxDatatypeRoundTripTests
{
    public static TheoryData<string> Datatypes() =>
        ["BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64", "BF16", "BYTES"];

    [Theory]
    [MemberData(nameof(Datatypes))]
    public void Every_oip_datatype_maps_to_the_graph_element_type(string datatype)
    {
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf($"concat_{datatype}.onnx"), new OnnxRuntimeOptions());

        Assert.All(runtime.Inputs, input => Assert.Equal(datatype, input.Datatype));
        Assert.Equal(datatype, Assert.Single(runtime.Outputs).Datatype);
    }

    [Theory]
    [MemberData(nameof(Datatypes))]
    public async Task Every_oip_datatype_round_trips_through_the_model_bit_for_bit(string datatype)
    {
        var model = $"concat_{datatype}.onnx";
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf(model), new OnnxRuntimeOptions());

        var outputs = await runtime.RunAsync(OnnxFixtures.Inputs(model), ["both"], TestContext.Current.CancellationToken);

        TensorAssert.Identical(OnnxFixtures.Output(model, "both"), Assert.Single(outputs));
    }
}
