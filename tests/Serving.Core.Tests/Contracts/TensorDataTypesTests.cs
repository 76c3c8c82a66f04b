using Serving.Core.Contracts;

namespace Serving.Core.Tests.Contracts;

public sealed class TensorDataTypesTests
{
    [Theory]
    [InlineData("FP32", TensorDataType.FP32, 4)]
    [InlineData("INT64", TensorDataType.Int64, 8)]
    [InlineData("BOOL", TensorDataType.Bool, 1)]
    [InlineData("FP16", TensorDataType.FP16, 2)]
    public void Parses_protocol_names_and_knows_element_sizes(string name, TensorDataType expected, int size)
    {
        Assert.True(TensorDataTypes.TryParse(name, out var parsed));
        Assert.Equal(expected, parsed);
        Assert.Equal(size, parsed.ElementSize());
        Assert.Equal(name, parsed.ToProtocolName());
    }

    [Theory]
    [InlineData("fp32")]
    [InlineData("FLOAT")]
    [InlineData(null)]
    public void Refuses_names_the_specification_does_not_define(string? name)
    {
        Assert.False(TensorDataTypes.TryParse(name, out _));
        var error = Assert.Throws<InferenceException>(() => TensorDataTypes.Parse(name, "input 'x'"));
        Assert.Equal(InferenceErrorKind.BadRequest, error.Kind);
        Assert.Contains("input 'x'", error.Message, StringComparison.Ordinal);
    }
}
