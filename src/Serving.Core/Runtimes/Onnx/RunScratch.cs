using System.Buffers;
using Microsoft.ML.OnnxRuntime;

namespace Serving.Core.Runtimes.Onnx;

/// <summary>
/// The arrays one ONNX run needs for its own bookkeeping (input names and values, pins, output plans and values),
/// kept per thread and reused, rather than six new arrays per request. A run is synchronous and never re-entered on
/// its thread, and it leaves every slot empty when it returns; ONNX Runtime takes collections of exactly the count,
/// so the arrays are kept at the last count used (nearly always the same for a model).
/// </summary>
internal sealed class RunScratch
{
    [ThreadStatic]
    private static RunScratch? t_current;

    public string[] Names { get; private set; } = [];

    public OrtValue[] Values { get; private set; } = [];

    public MemoryHandle[] Pins { get; private set; } = [];

    public BatchOutput[] Plans { get; private set; } = [];

    public OrtValue[] OutputValues { get; private set; } = [];

    public MemoryHandle[] OutputPins { get; private set; } = [];

    /// <summary>This thread's scratch, with input arrays of exactly <paramref name="count"/> slots.</summary>
    public static RunScratch ForInputs(int count)
    {
        var scratch = t_current ??= new RunScratch();
        if (scratch.Names.Length != count)
        {
            scratch.Names = new string[count];
            scratch.Values = new OrtValue[count];
            scratch.Pins = new MemoryHandle[count];
        }

        return scratch;
    }

    /// <summary>This thread's scratch, with output arrays of exactly <paramref name="count"/> slots.</summary>
    public static RunScratch ForOutputs(int count)
    {
        var scratch = t_current ??= new RunScratch();
        if (scratch.Plans.Length != count)
        {
            scratch.Plans = new BatchOutput[count];
            scratch.OutputValues = new OrtValue[count];
            scratch.OutputPins = new MemoryHandle[count];
        }

        return scratch;
    }
}
