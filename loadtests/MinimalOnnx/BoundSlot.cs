using System.Buffers;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace Serving.LoadTests.MinimalOnnx;

/// <summary>
/// Everything one request in flight needs, allocated once and reused: the row's floats with an OrtValue over them,
/// the outputs' memory with OrtValues over it, an IoBinding joining them to the session, and the answer's writer.
/// A request takes a slot from the pool and gives it back, so a call allocates nothing of its own.
/// </summary>
internal sealed class BoundSlot : IDisposable
{
    private readonly OrtValue _input;
    private readonly OrtValue[] _outputValues;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();

    public BoundSlot(MinimalModel model)
    {
        Row = new float[model.Width];
        _input = OrtValue.CreateTensorValueFromMemory(Row, [1, model.Width]);
        _binding = model.Session.CreateIoBinding();
        _binding.BindInput(model.InputName, _input);
        Floats = new float[model.Outputs.Length][];
        Longs = new long[model.Outputs.Length][];
        _outputValues = new OrtValue[model.Outputs.Length];
        for (var i = 0; i < model.Outputs.Length; i++)
        {
            var output = model.Outputs[i];
            if (output.IsInt64)
            {
                Longs[i] = new long[output.Count];
                _outputValues[i] = OrtValue.CreateTensorValueFromMemory(Longs[i], output.Shape);
            }
            else
            {
                Floats[i] = new float[output.Count];
                _outputValues[i] = OrtValue.CreateTensorValueFromMemory(Floats[i], output.Shape);
            }

            _binding.BindOutput(output.Name, _outputValues[i]);
        }

        Writer = new Utf8JsonWriter(Answer);
    }

    /// <summary>The row's features, where the request's numbers are read to.</summary>
    public float[] Row { get; }

    /// <summary>Each FP32 output's values after <see cref="Run"/> (null for INT64 outputs).</summary>
    public float[][] Floats { get; }

    /// <summary>Each INT64 output's values after <see cref="Run"/> (null for FP32 outputs).</summary>
    public long[][] Longs { get; }

    public ArrayBufferWriter<byte> Answer { get; } = new(512);

    public Utf8JsonWriter Writer { get; }

    public void Run(InferenceSession session) => session.RunWithBinding(_runOptions, _binding);

    public void Dispose()
    {
        Writer.Dispose();
        _binding.Dispose();
        _runOptions.Dispose();
        _input.Dispose();
        foreach (var value in _outputValues)
        {
            value.Dispose();
        }
    }
}
