using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Routing;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Inference;

public sealed class InferenceServiceTests : IDisposable
{
    private readonly TestRegistry _test = new();
    private readonly InferenceService _service;

    public InferenceServiceTests()
    {
        _test.Publish("m", 1);
        _test.Publish("m", 2);
        _test.Registry.Scan();
        _service = new InferenceService(_test.Registry, _test.Deployments, new TrafficRouter(new SharedRandomSource()), Options.Create(new ServingOptions()));
    }

    public void Dispose() => _test.Dispose();

    private static InferenceRequest Request(params Tensor[] inputs) => new() { ModelName = "m", Inputs = inputs };

    private static Tensor Features(long rows = 1, params float[] values) =>
        Tensor.FromValues("features", TensorDataType.FP32, [rows, 3], (ReadOnlySpan<float>)(values.Length == 0 ? [1f, 2f, 3f] : values));

    [Fact]
    public async Task Runs_the_default_version_and_names_outputs_as_the_manifest_does()
    {
        var response = await _service.InferAsync(Request(Features()), CancellationToken.None);

        Assert.Equal("2", response.ModelVersion);
        var output = Assert.Single(response.Outputs);
        Assert.Equal("doubled", output.Name);
        Assert.Equal([2f, 4f, 6f], output.AsSpan<float>().ToArray());
    }

    [Fact]
    public async Task Inputs_are_checked_once_by_the_data_plane_and_the_runtime_is_asked_not_to_check_again()
    {
        var runtime = (DoublingRuntime)_test.Registry.Current.Models["m"].Loaded[2].Runtime;

        await _service.InferAsync(Request(Features()), CancellationToken.None);

        Assert.Equal(1, runtime.CheckedRuns);
        Assert.Equal(0, runtime.Runs);
    }

    [Fact]
    public async Task A_request_holds_one_reference_on_its_version_while_it_runs_and_gives_it_back()
    {
        var generation = _test.Registry.Current.Models["m"].Loaded[2];
        var runtime = (DoublingRuntime)generation.Runtime;
        var running = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        runtime.BeforeRun = async () =>
        {
            running.SetResult();
            await release.Task;
        };

        var call = _service.InferAsync(Request(Features()), CancellationToken.None).AsTask();
        await running.Task;

        // Retired mid-request: the runtime lives until the request lets go of its one reference.
        generation.Retire();
        Assert.False(runtime.IsDisposed);
        release.SetResult();
        await call;
        Assert.True(runtime.IsDisposed);
    }

    [Fact]
    public async Task A_pinned_version_serves_the_request()
    {
        var response = await _service.InferAsync(new InferenceRequest { ModelName = "m", Version = "1", Inputs = [Features()] }, CancellationToken.None);

        Assert.Equal("1", response.ModelVersion);
    }

    [Theory]
    [InlineData("nope", null, "model 'nope' not found")]
    [InlineData("m", "7", "model 'm' has no version '7'")]
    [InlineData("m", "v1", "versions are positive integers")]
    public async Task Unknown_models_and_versions_are_not_found(string model, string? version, string message)
    {
        var error = await Assert.ThrowsAsync<InferenceException>(
            () => _service.InferAsync(new InferenceRequest { ModelName = model, Version = version, Inputs = [Features()] }, CancellationToken.None).AsTask());

        Assert.Equal(InferenceErrorKind.NotFound, error.Kind);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_datatype_names_the_input_and_the_expected_type()
    {
        var input = Tensor.FromValues("features", TensorDataType.FP64, [1, 3], (ReadOnlySpan<double>)[1d, 2d, 3d]);

        var error = await BadRequest(Request(input));

        Assert.Equal("input 'features' has datatype FP64 but the model expects FP32", error.Message);
    }

    [Fact]
    public async Task A_wrong_shape_names_the_input_and_the_expected_shape()
    {
        var input = Tensor.FromValues("features", TensorDataType.FP32, [1, 2], (ReadOnlySpan<float>)[1f, 2f]);

        var error = await BadRequest(Request(input));

        Assert.Contains("input 'features' has shape [1,2] but the model expects [-1,3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_input_the_model_does_not_have_is_refused()
    {
        var extra = Tensor.FromValues("extra", TensorDataType.FP32, [1, 3], (ReadOnlySpan<float>)[1f, 2f, 3f]);

        var error = await BadRequest(Request(Features(), extra));

        Assert.Contains("model 'm' has no input 'extra'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_input_is_refused_with_its_signature()
    {
        var error = await BadRequest(Request());

        Assert.Equal("missing input 'features' (FP32 [-1,3])", error.Message);
    }

    [Fact]
    public async Task A_non_finite_value_is_refused_with_its_position()
    {
        var error = await BadRequest(Request(Features(1, 1f, float.NaN, 3f)));

        Assert.Contains("non-finite value (NaN or infinity) at element 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_that_does_not_fill_the_shape_is_refused()
    {
        var input = Tensor.FromValues("features", TensorDataType.FP32, [2, 3], (ReadOnlySpan<float>)[1f, 2f, 3f]);

        var error = await BadRequest(Request(input));

        Assert.Contains("holds 6 elements, but 3 were given", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_requested_output_is_refused()
    {
        var error = await BadRequest(Request(Features()) with { RequestedOutputs = ["nope"] });

        Assert.Contains("model 'm' has no output 'nope'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Metadata_lists_ready_versions_and_public_names()
    {
        var metadata = _service.GetModelMetadata("m", null);

        Assert.Equal(["1", "2"], metadata.Versions);
        Assert.Equal("features", metadata.Inputs.Single().Name);
        Assert.Equal(["a", "b", "c"], metadata.Inputs.Single().Features!);
        Assert.Equal("doubled", metadata.Outputs.Single().Name);
        Assert.Equal("2", metadata.Version);
    }

    [Fact]
    public void The_only_model_is_the_default_for_mlflow()
    {
        Assert.Equal("m", _service.DefaultModel);
        Assert.True(_service.IsServerReady);
        Assert.True(_service.IsModelReady("m", "1"));
        Assert.Throws<InferenceException>(() => _service.IsModelReady("m", "9"));
    }

    [Fact]
    public async Task A_request_finishes_on_its_version_even_when_that_version_is_removed_meanwhile()
    {
        var runtime = _test.Factory.Loaded.Single(r => !r.IsDisposed && _test.Registry.Current.Models["m"].Default!.Runtime == r);
        var entered = new TaskCompletionSource();
        var proceed = new TaskCompletionSource();
        runtime.BeforeRun = async () =>
        {
            entered.TrySetResult();
            await proceed.Task;
        };

        var pending = _service.InferAsync(Request(Features()), CancellationToken.None).AsTask();
        await entered.Task;
        Directory.Delete(Path.Combine(_test.Root, "m", "2"), recursive: true);
        _test.Registry.Scan();
        Assert.False(runtime.IsDisposed);

        proceed.SetResult();
        var response = await pending;

        Assert.Equal("2", response.ModelVersion);
        Assert.True(runtime.IsDisposed);
        Assert.Equal("1", (await _service.InferAsync(Request(Features()), CancellationToken.None)).ModelVersion);
    }

    [Fact]
    public async Task An_output_asked_for_twice_is_refused()
    {
        var error = await BadRequest(Request(Features()) with { RequestedOutputs = ["doubled", "doubled"] });

        Assert.Equal("output 'doubled' is asked for twice; ask for each output once", error.Message);
    }

    [Theory]
    [InlineData("a\u0000b")]
    [InlineData("a\r\nX-Injected: 1")]
    [InlineData("")]
    [InlineData("\ud800")]
    public async Task A_request_id_that_cannot_go_in_a_header_is_refused(string id)
    {
        var error = await BadRequest(Request(Features()) with { Id = id });

        Assert.Contains("request id", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task Megabyte_names_come_back_cut_in_messages()
    {
        var name = new string('n', 1 << 20);
        var unknownModel = await Assert.ThrowsAsync<InferenceException>(
            () => _service.InferAsync(new InferenceRequest { ModelName = name, Inputs = [Features()] }, CancellationToken.None).AsTask());
        var unknownInput = await BadRequest(Request(Features(), Tensor.FromValues(name, TensorDataType.FP32, [1, 3], (ReadOnlySpan<float>)[1f, 2f, 3f])));
        var unknownOutput = await BadRequest(Request(Features()) with { RequestedOutputs = [name] });

        Assert.All([unknownModel, unknownInput, unknownOutput], e =>
        {
            Assert.True(e.Message.Length < 512, $"{e.Message.Length} characters");
            Assert.Contains("more characters)", e.Message, StringComparison.Ordinal);
        });
    }

    private async Task<InferenceException> BadRequest(InferenceRequest request)
    {
        var error = await Assert.ThrowsAsync<InferenceException>(() => _service.InferAsync(request, CancellationToken.None).AsTask());
        Assert.Equal(InferenceErrorKind.BadRequest, error.Kind);
        return error;
    }
}
