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

    [Theory]
    [InlineData(new long[] { 2, 3 }, 6L)]
    [InlineData(new long[] { }, 1L)]
    [InlineData(new long[] { 4, 0, 5 }, 0L)]
    [InlineData(new long[] { 4, -1 }, -1L)]
    public void Counts_elements_of_a_shape(long[] shape, long expected) =>
        Assert.Equal(expected, TensorDataTypes.ElementCount(shape));

    [Theory]
    [InlineData(new long[] { 1L << 62, 1L << 62 })]
    [InlineData(new long[] { 1L << 62, 1L << 62, 0 })]
    public void A_shape_whose_dimensions_other_than_zero_overflow_throws_whether_or_not_it_is_empty(long[] shape) =>
        Assert.Throws<OverflowException>(() => TensorDataTypes.ElementCount(shape));
}
