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
    /// Runs inputs the data plane has already checked against the signature (<c>RequestValidator.CheckInputs</c>:
    /// one per artifact input, in <paramref name="names"/>' order, datatypes, shapes, element counts), for a caller that
    /// holds a reference that keeps this runtime from being disposed until the call returns (the version's,
    /// <c>ModelGeneration.TryAcquire</c>). A runtime may then skip its own input checks and its own count of calls in
    /// flight: one validation and one reference count per request. The inputs keep the caller's names: input <c>i</c>
    /// is the artifact's <see cref="CheckedCallNames.Inputs"/>[i]. Output <c>i</c> comes back named
    /// <see cref="CheckedCallNames.Answers"/>[i]. So the data plane copies no tensor only to rename it. By default this
    /// is <see cref="RunAsync"/> on renamed inputs, with the outputs renamed after.
    /// </summary>
    ValueTask<Tensor[]> RunCheckedAsync(IReadOnlyList<Tensor> inputs, CheckedCallNames names, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(names);
        var run = RunAsync(names.InputsUnderArtifactNames(inputs), names.Outputs, cancellationToken);
        return run.IsCompletedSuccessfully ? ValueTask.FromResult(names.NameAnswer(run.Result)) : names.NameAnswerAsync(run);
    }
}
