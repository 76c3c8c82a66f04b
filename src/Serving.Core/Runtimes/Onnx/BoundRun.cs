using Microsoft.ML.OnnxRuntime;
using Serving.Core.Contracts;

namespace Serving.Core.Runtimes.Onnx;

/// <summary>
/// One reusable ONNX Runtime call for one batch size: an <see cref="OrtIoBinding"/> whose inputs and outputs are
/// bound once to native values over buffers of our own on the pinned heap. A call copies the request's input bytes
/// in, runs the binding and copies the outputs out into the answer's own arrays; it creates and frees no native
/// value, takes no GC handle and looks no name up, which is most of what a single-row run of a small model costs.
/// Used by one call at a time (<see cref="BoundRunPool"/> hands it out).
/// </summary>
internal sealed class BoundRun : IDisposable
{
    private readonly OrtIoBinding _binding;
    private readonly byte[][] _inputBuffers;
    private readonly long[][] _inputShapes;
    private readonly string[] _inputNames;
    private readonly OrtValue[] _inputValues;
    private readonly byte[][] _outputBuffers;
    private readonly OrtValue[] _outputValues;
    private readonly BatchOutput[] _plans;
    private readonly string[] _outputNames;

    private BoundRun(OrtIoBinding binding, string[] inputNames, byte[][] inputBuffers, long[][] inputShapes, OrtValue[] inputValues, byte[][] outputBuffers, OrtValue[] outputValues, BatchOutput[] plans, string[] outputNames, long rows)
    {
        _binding = binding;
        _inputBuffers = inputBuffers;
        _inputShapes = inputShapes;
        _inputNames = inputNames;
        _inputValues = inputValues;
        _outputBuffers = outputBuffers;
        _outputValues = outputValues;
        _plans = plans;
        _outputNames = outputNames;
        Rows = rows;
    }

    /// <summary>The batch size (first dimension of every input and output) this call is bound for.</summary>
    public long Rows { get; }

    /// <summary>
    /// Binds a call shaped like <paramref name="inputs"/> (fixed-size numeric tensors with <paramref name="rows"/>
    /// rows, the artifact's <paramref name="inputNames"/>) that asks for <paramref name="outputNames"/>, each planned in
    /// <paramref name="plans"/>.
    /// </summary>
    public static unsafe BoundRun Create(InferenceSession session, IReadOnlyList<Tensor> inputs, IReadOnlyList<string> inputNames, IReadOnlyList<string> outputNames, BatchOutput[] plans, long rows)
    {
        var inputBuffers = new byte[inputs.Count][];
        var inputShapes = new long[inputs.Count][];
        var inputValues = new OrtValue[inputs.Count];
        var outputBuffers = new byte[outputNames.Count][];
        var outputValues = new OrtValue[outputNames.Count];
        OrtIoBinding? binding = null;
        try
        {
            binding = session.CreateIoBinding();
            for (var i = 0; i < inputs.Count; i++)
            {
                var input = inputs[i];
                inputBuffers[i] = GC.AllocateUninitializedArray<byte>(input.Data.Length, pinned: true);
                inputShapes[i] = [.. input.Shape];
                fixed (byte* data = inputBuffers[i])
                {
                    // The array lives on the pinned heap, so the pointer stays valid after this block.
                    inputValues[i] = OrtValue.CreateTensorValueWithData(
                        OrtMemoryInfo.DefaultInstance, OnnxTypeMap.ToElementType(input.DataType), inputShapes[i], (IntPtr)data, input.Data.Length);
                }

                binding.BindInput(inputNames[i], inputValues[i]);
            }

            for (var i = 0; i < outputNames.Count; i++)
            {
                var shape = plans[i].Shape(rows);
                outputBuffers[i] = GC.AllocateArray<byte>(checked((int)(plans[i].ElementsPerRow * rows * plans[i].DataType.ElementSize())), pinned: true);
                fixed (byte* data = outputBuffers[i])
                {
                    outputValues[i] = OrtValue.CreateTensorValueWithData(
                        OrtMemoryInfo.DefaultInstance, plans[i].ElementType, shape, (IntPtr)data, outputBuffers[i].Length);
                }

                binding.BindOutput(outputNames[i], outputValues[i]);
            }

            return new BoundRun(binding, [.. inputNames], inputBuffers, inputShapes, inputValues, outputBuffers, outputValues, [.. plans], [.. outputNames], rows);
        }
        catch
        {
            binding?.Dispose();
            foreach (var value in inputValues.Concat(outputValues))
            {
                value?.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Whether this call fits <paramref name="inputs"/> (the artifact's <paramref name="inputNames"/>) in name, order, shape and size, and asks for the same outputs.
    /// Inputs are copied by position into buffers bound by name, so a caller listing them in another order needs
    /// another call; and the shape counts, not only the size: free inner dimensions let [1, 30] and [1, 5, 6] meet.
    /// </summary>
    public bool Fits(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> inputNames, IReadOnlyList<string> outputNames)
    {
        if (inputs.Count != _inputBuffers.Length || outputNames.Count != _outputNames.Length)
        {
            return false;
        }

        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            if (input.Data.Length != _inputBuffers[i].Length || !input.Shape.AsSpan().SequenceEqual(_inputShapes[i])
                || !string.Equals(inputNames[i], _inputNames[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        for (var i = 0; i < outputNames.Count; i++)
        {
            if (!string.Equals(outputNames[i], _outputNames[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Runs on <paramref name="inputs"/> (which <see cref="Fits"/>) and returns the outputs in fresh tensors, output
    /// <c>i</c> named <paramref name="answerNames"/>[i].
    /// </summary>
    public Tensor[] Run(InferenceSession session, RunOptions options, IReadOnlyList<Tensor> inputs, IReadOnlyList<string> answerNames)
    {
        for (var i = 0; i < inputs.Count; i++)
        {
            inputs[i].Data.AsSpan().CopyTo(_inputBuffers[i]);
        }

        session.RunWithBinding(options, _binding);
        var outputs = new Tensor[_outputBuffers.Length];
        for (var i = 0; i < outputs.Length; i++)
        {
            outputs[i] = _plans[i].Allocate(answerNames[i], Rows);
            _outputBuffers[i].AsSpan().CopyTo(outputs[i].Data);
        }

        return outputs;
    }

    public void Dispose()
    {
        _binding.Dispose();
        foreach (var value in _inputValues)
        {
            value.Dispose();
        }

        foreach (var value in _outputValues)
        {
            value.Dispose();
        }
    }
}
