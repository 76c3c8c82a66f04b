using Serving.Core.Contracts;

namespace Serving.Core.Runtimes;

/// <summary>
/// A loaded model artifact. Runtimes know nothing of versions, routing or monitoring: they take tensors
/// under the artifact's own names and return tensors under the artifact's own names. Implementations
/// must be safe to call concurrently.
/// </summary>
public interface IModelRuntime : IDisposable
{
    /// <summary>Inputs as the artifact declares them (artifact names, -1 for variable dimensions).</summary>
    IReadOnlyList<TensorSpec> Inputs { get; }

    /// <summary>Outputs as the artifact declares them (tensor outputs only).</summary>
    IReadOnlyList<TensorSpec> Outputs { get; }

    /// <summary>
    /// Runs the model. Inputs have been validated against the signature; every one the artifact needs is
    /// present. Returns the named outputs, in the order asked for.
    /// </summary>
    ValueTask<Tensor[]> RunAsync(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> outputNames, CancellationToken cancellationToken);

    /// <summary>
    /// Runs inputs the data plane has already bound to the signature and checked (<c>RequestValidator.BindInputs</c>:
    /// artifact names, datatypes, shapes, element counts), for a caller that holds a reference that keeps this runtime
    /// from being disposed until the call returns (the version's, <c>ModelGeneration.TryAcquire</c>). A runtime may
    /// then skip its own input checks and its own count of calls in flight: one validation and one reference count
    /// per request. Output names are still the caller's to have checked; by default this is <see cref="RunAsync"/>.
    /// </summary>
    ValueTask<Tensor[]> RunCheckedAsync(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> outputNames, CancellationToken cancellationToken) =>
        RunAsync(inputs, outputNames, cancellationToken);
}
