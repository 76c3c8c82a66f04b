using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Routing;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Inference;

/// <summary>
/// <c>Serving:Limits</c>: rows and elements of one input are refused before the runtime runs, with a 400 that names
/// the key, whatever the shape claims; a request inside the limits still runs.
/// </summary>
public sealed class RequestLimitsTests : IDisposable
{
    private readonly TestRegistry _test = new();

    public RequestLimitsTests()
    {
        // The test model takes "features" of shape [-1,3].
        _test.Publish("m", 1);
        _test.Registry.Scan();
    }

    public void Dispose() => _test.Dispose();

    private InferenceService Service(RequestLimits? limits = null) =>
        new(_test.Registry, _test.Deployments, new TrafficRouter(new SharedRandomSource()), Options.Create(new ServingOptions()),
            limits: limits is null ? null : Options.Create(limits));

    private static InferenceRequest Request(long rows, int valueRows) => new()
    {
        ModelName = "m",
        Inputs = [Tensor.FromValues("features", TensorDataType.FP32, [rows, 3], (ReadOnlySpan<float>)new float[valueRows * 3])],
    };

    private static async Task<InferenceException> BadRequest(InferenceService service, InferenceRequest request)
    {
        var error = await Assert.ThrowsAsync<InferenceException>(() => service.InferAsync(request, CancellationToken.None).AsTask());
        Assert.Equal(InferenceErrorKind.BadRequest, error.Kind);
        return error;
    }

    [Fact]
    public async Task Rows_past_the_limit_are_refused_naming_the_key()
    {
        var error = await BadRequest(Service(new RequestLimits { MaxRowsPerRequest = 2 }), Request(3, 3));

        Assert.Equal("input 'features' has 3 rows; at most 2 are allowed (Serving:Limits:MaxRowsPerRequest)", error.Message);
    }

    [Fact]
    public async Task Rows_at_the_limit_run()
    {
        var response = await Service(new RequestLimits { MaxRowsPerRequest = 2 }).InferAsync(Request(2, 2), CancellationToken.None);

        Assert.Equal([2, 3], Assert.Single(response.Outputs).Shape);
    }

    [Fact]
    public async Task Elements_past_the_limit_are_refused_naming_the_key()
    {
        var error = await BadRequest(Service(new RequestLimits { MaxTensorElements = 5 }), Request(2, 2));

        Assert.Equal("input 'features' has shape [2,3], which holds more than 5 elements; at most 5 are allowed (Serving:Limits:MaxTensorElements)", error.Message);
    }

    [Theory]
    [InlineData(100_001L)]
    [InlineData(long.MaxValue)]
    [InlineData(3_074_457_345_618_258_603L)] // times 3 is just past long.MaxValue
    public async Task A_hostile_row_count_over_a_short_tensor_is_refused_by_the_default_limit(long rows)
    {
        var error = await BadRequest(Service(), Request(rows, 1));

        Assert.Equal($"input 'features' has {rows} rows; at most 100000 are allowed (Serving:Limits:MaxRowsPerRequest)", error.Message);
    }

    [Fact]
    public void Validator_without_limits_refuses_a_shape_whose_product_overflows_instead_of_throwing_overflow()
    {
        // A shadow copy is bound without limits; a shape past long's range must still be a bad request.
        var binding = _test.Registry.Current.Models["m"].Loaded[1].Binding;
        var input = Tensor.FromValues("features", TensorDataType.FP32, [long.MaxValue, 3], (ReadOnlySpan<float>)[1f, 2f, 3f]);

        var error = Assert.Throws<InferenceException>(() => RequestValidator.BindInputs("m", binding, [input]));

        Assert.Equal(InferenceErrorKind.BadRequest, error.Kind);
        Assert.Contains("more elements than can be counted", error.Message, StringComparison.Ordinal);
    }
}
