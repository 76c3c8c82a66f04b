using Serving.Core.Contracts;

namespace Serving.Core.Runtimes;

/// <summary>
/// The names of a checked call (<see cref="IModelRuntime.RunCheckedAsync"/>): what the artifact calls each input, the
/// outputs to run under the artifact's names, and the names the answer gives them. The data plane's inputs keep the
/// caller's names and its outputs take the signature's, so that no tensor is copied only to be renamed; a version
/// keeps one of these for the usual call (every output), made when it loads.
/// </summary>
public sealed class CheckedCallNames
{
    /// <summary>Names for a call whose input <c>i</c> is the artifact's <paramref name="inputs"/>[i], and whose answer names output <paramref name="outputs"/>[i] <paramref name="answers"/>[i].</summary>
    public CheckedCallNames(string[] inputs, string[] outputs, string[] answers)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(answers);
        if (outputs.Length != answers.Length)
        {
            throw new ArgumentException($"{answers.Length} answer names for {outputs.Length} outputs.", nameof(answers));
        }

        // Unlike RunAsync's empty list, which asks for every output: a checked call says which it runs (a loaded
        // signature has at least one), so every runtime names the answer the same way.
        if (outputs.Length == 0)
        {
            throw new ArgumentException("A checked call names the outputs it runs.", nameof(outputs));
        }

        Inputs = inputs;
        Outputs = outputs;
        Answers = answers;
    }

    /// <summary>The artifact's name for each input, in the order the inputs are given.</summary>
    public string[] Inputs { get; }

    /// <summary>The artifact's outputs to run (at least one), in the order of the answer.</summary>
    public string[] Outputs { get; }

    /// <summary>What the answer calls each output: <see cref="Answers"/>[i] is <see cref="Outputs"/>[i]'s name in the answer.</summary>
    public string[] Answers { get; }

    /// <summary>Names that keep the artifact's own, for <paramref name="inputs"/> already under them.</summary>
    public static CheckedCallNames Same(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        string[] names = [.. outputs];
        return new CheckedCallNames([.. inputs.Select(i => i.Name)], names, names);
    }

    /// <summary>
    /// The inputs under the artifact's names, for a runtime that finds them by name: copies, in an array of their own
    /// (the caller's tensors keep their names; a tensor already so named is not copied).
    /// </summary>
    public Tensor[] InputsUnderArtifactNames(IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != Inputs.Length)
        {
            throw new ArgumentException($"{inputs.Count} inputs for {Inputs.Length} input names.", nameof(inputs));
        }

        var renamed = new Tensor[inputs.Count];
        for (var i = 0; i < renamed.Length; i++)
        {
            renamed[i] = inputs[i].WithName(Inputs[i]);
        }

        return renamed;
    }

    /// <summary>
    /// Names <paramref name="outputs"/>[i] <see cref="Answers"/>[i], for a runtime that cannot name them as it makes
    /// them. The array is the call's own, so its slots are replaced rather than the array copied.
    /// </summary>
    public Tensor[] NameAnswer(Tensor[] outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        if (outputs.Length != Answers.Length)
        {
            throw new ArgumentException($"{outputs.Length} outputs for {Answers.Length} answer names.", nameof(outputs));
        }

        for (var i = 0; i < outputs.Length; i++)
        {
            outputs[i] = outputs[i].WithName(Answers[i]);
        }

        return outputs;
    }

    /// <summary><see cref="NameAnswer"/> once <paramref name="run"/> completes.</summary>
    public async ValueTask<Tensor[]> NameAnswerAsync(ValueTask<Tensor[]> run) => NameAnswer(await run);
}
