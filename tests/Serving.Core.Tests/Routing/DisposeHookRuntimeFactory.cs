using Serving.Core.Contracts;
using Serving.Core.Runtimes;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Routing;

/// <summary>
/// Loads <see cref="DoublingRuntime"/>s (artifact content "doubling") and calls <see cref="OnDispose"/> at the
/// moment one is disposed, so a test can look at what the registry offers right then.
/// </summary>
internal sealed class DisposeHookRuntimeFactory : IModelRuntimeFactory
{
    private readonly DoublingRuntimeFactory _inner = new();

    public string Format => "onnx";

    public Action? OnDispose { get; set; }

    public IModelRuntime Load(string artifactPath) => new Hooked(_inner.Load(artifactPath), this);

    private sealed class Hooked(IModelRuntime inner, DisposeHookRuntimeFactory owner) : IModelRuntime
    {
        public IReadOnlyList<TensorSpec> Inputs => inner.Inputs;

        public IReadOnlyList<TensorSpec> Outputs => inner.Outputs;

        public ValueTask<Tensor[]> RunAsync(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> outputNames, CancellationToken cancellationToken) =>
            inner.RunAsync(inputs, outputNames, cancellationToken);

        public void Dispose()
        {
            owner.OnDispose?.Invoke();
            inner.Dispose();
        }
    }
}
