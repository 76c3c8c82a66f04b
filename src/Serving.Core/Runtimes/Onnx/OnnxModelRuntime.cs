using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = Serving.Core.Contracts.Tensor;
using Serving.Core.Contracts;

namespace Serving.Core.Runtimes.Onnx;

/// <summary>
/// One ONNX artifact loaded into one <see cref="InferenceSession"/>, which serves concurrent calls. Inputs are
/// handed to ONNX Runtime over the request's own pinned bytes and each output is copied out once.
/// </summary>
public sealed class OnnxModelRuntime : IModelRuntime
{
    private readonly SessionOptions _sessionOptions;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly Dictionary<string, TensorElementType> _inputTypes;
    private readonly Dictionary<string, TensorElementType> _outputTypes;
    private readonly string[] _tensorOutputNames;
    private readonly Dictionary<string, BatchOutput> _batchOutputs;
    private readonly RuntimeLifetime _lifetime;
    private readonly BoundRunPool _bound = new();

    // Cleared when the graph's outputs turn out not to follow the input batch; then ONNX Runtime allocates them.
    private volatile bool _preallocateOutputs;

    private OnnxModelRuntime(SessionOptions sessionOptions, InferenceSession session, OnnxModelInfo info)
    {
        _sessionOptions = sessionOptions;
        _session = session;
        _runOptions = new RunOptions();
        Inputs = info.Inputs;
        Outputs = info.Outputs;
        NonTensorOutputs = info.NonTensorOutputs;
        _inputTypes = info.Inputs.ToDictionary(s => s.Name, s => ElementTypeOf(s), StringComparer.Ordinal);
        _outputTypes = info.Outputs.ToDictionary(s => s.Name, s => ElementTypeOf(s), StringComparer.Ordinal);
        _tensorOutputNames = [.. info.Outputs.Select(s => s.Name)];
        _batchOutputs = BatchOutput.Find(info.Outputs);
        _preallocateOutputs = info.Inputs.All(i => i.Shape.Count > 0 && i.Shape[0] == -1);
        _lifetime = new RuntimeLifetime(Free);
    }

    /// <inheritdoc />
    public IReadOnlyList<TensorSpec> Inputs { get; }

    /// <inheritdoc />
    public IReadOnlyList<TensorSpec> Outputs { get; }

    /// <summary>Outputs the graph has that are not served (sequences, maps and the like).</summary>
    public IReadOnlyList<string> NonTensorOutputs { get; }

    /// <summary>Loads an ONNX file; throws <see cref="ModelLoadException"/> with the reason when it cannot.</summary>
    public static OnnxModelRuntime Load(string path, OnnxRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sessionOptions = OnnxSessions.CreateSessionOptions(options);
        InferenceSession? session = null;
        try
        {
            session = OnnxSessions.Open(path, sessionOptions);
            return new OnnxModelRuntime(sessionOptions, session, OnnxModelInspector.Describe(session, path));
        }
        catch
        {
            session?.Dispose();
            sessionOptions.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask<Tensor[]> RunAsync(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> outputNames, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // A call costs microseconds: running it inline is cheaper than any hand-off to another thread.
        return ValueTask.FromResult(Run(inputs, outputNames));
    }

    /// <summary>
    /// Runs the model synchronously. An empty <paramref name="outputNames"/> asks for every tensor output.
    /// </summary>
    public Tensor[] Run(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> outputNames)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputNames);
        _lifetime.Enter(this);
        try
        {
            return RunCore(inputs, outputNames.Count == 0 ? _tensorOutputNames : outputNames, names: null);
        }
        finally
        {
            _lifetime.Exit();
        }
    }

    /// <inheritdoc />
    public ValueTask<Tensor[]> RunCheckedAsync(IReadOnlyList<Tensor> inputs, CheckedCallNames names, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(names);

        // The caller's reference on the version keeps Dispose away, and CheckInputs checked the inputs: no second
        // count of calls in flight, no second look-up of each input's type.
        return ValueTask.FromResult(RunCore(inputs, names.Outputs, names));
    }

    /// <summary>Frees the session once calls in flight have finished; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _lifetime.Dispose();

    private static TensorElementType ElementTypeOf(TensorSpec spec) =>
        OnnxTypeMap.ToElementType(TensorDataTypes.Parse(spec.Datatype, spec.Name));

    // names is null for RunAsync. Given (RunCheckedAsync), the data plane checked the inputs, which keep the caller's
    // names (names.Inputs are the artifact's), and the outputs take names.Answers.
    private Tensor[] RunCore(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> outputNames, CheckedCallNames? names)
    {
        for (var i = 0; i < outputNames.Count; i++)
        {
            CheckOutputName(outputNames[i]);
        }

        if (names is not null && _preallocateOutputs && TryRunBound(inputs, names) is { } bound)
        {
            return bound;
        }

        var outputs = RunUnbound(inputs, names?.Inputs, outputNames, inputsChecked: names is not null);
        return names is null ? outputs : names.NameAnswer(outputs);
    }

    // inputNames, when given, are the artifact's names of the inputs, which keep the caller's.
    private Tensor[] RunUnbound(IReadOnlyList<Tensor> inputs, IReadOnlyList<string>? inputNames, IReadOnlyList<string> outputNames, bool inputsChecked)
    {
        var count = inputs.Count;
        var scratch = RunScratch.ForInputs(count);
        var names = scratch.Names;
        var values = scratch.Values;
        var pins = scratch.Pins;
        try
        {
            for (var i = 0; i < count; i++)
            {
                var input = inputs[i];
                names[i] = inputNames?[i] ?? input.Name;
                values[i] = inputsChecked && input.DataType != TensorDataType.Bytes ? CreateCheckedInput(input, ref pins[i]) : CreateInput(input, ref pins[i]);
            }

            var preallocationFailed = false;
            if (_preallocateOutputs && TryRunIntoOwnBuffers(inputs, names, values, outputNames, out preallocationFailed) is { } direct)
            {
                return direct;
            }

            using var results = _session.Run(_runOptions, names, values, outputNames);

            // The same input ran with ONNX Runtime's own buffers, so the graph's real output shapes differ from
            // what its metadata suggests: stop preallocating for this model.
            if (preallocationFailed)
            {
                _preallocateOutputs = false;
            }

            var outputs = new Tensor[outputNames.Count];
            var index = 0;
            foreach (var result in results)
            {
                outputs[index] = ReadOutput(outputNames[index], result);
                index++;
            }

            return outputs;
        }
        catch (OnnxRuntimeException ex)
        {
            throw ToInferenceException(ex);
        }
        finally
        {
            for (var i = 0; i < count; i++)
            {
                // The native value points into the pinned array: release it before unpinning. The arrays are this
                // thread's scratch, so nothing is left in them for the next call.
                values[i]?.Dispose();
                values[i] = null!;
                pins[i].Dispose();
                pins[i] = default;
            }
        }
    }

    /// <summary>
    /// Runs checked numeric inputs of a small batch on a reused bound call (<see cref="BoundRun"/>). Returns null when
    /// the call does not qualify or ONNX Runtime refuses it; the ordinary run then runs it and reports any error.
    /// </summary>
    private Tensor[]? TryRunBound(IReadOnlyList<Tensor> inputs, CheckedCallNames names)
    {
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i].DataType == TensorDataType.Bytes)
            {
                return null;
            }
        }

        var plans = RunScratch.ForOutputs(names.Outputs.Length).Plans;
        try
        {
            var rows = PlanBatch(inputs, names.Outputs, plans);
            if (rows is < 1 or > BoundRunPool.MaxRows)
            {
                return null;
            }

            BoundRun? run = null;
            try
            {
                run = _bound.Rent(_session, inputs, names.Inputs, names.Outputs, plans, rows);
                if (run is null)
                {
                    return null;
                }

                var outputs = run.Run(_session, _runOptions, inputs, names.Answers);
                _bound.Return(run);
                return outputs;
            }
            catch (OnnxRuntimeException)
            {
                run?.Dispose();
                return null;
            }
        }
        finally
        {
            Array.Clear(plans);
        }
    }

    /// <summary>
    /// The batch size of a call whose inputs all share their first dimension and whose every output follows it,
    /// with each output's plan put in <paramref name="plans"/>; -1 when the output shapes are not predictable.
    /// </summary>
    private long PlanBatch(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> outputNames, BatchOutput[] plans)
    {
        var rows = inputs.Count > 0 && inputs[0].Shape.Length > 0 ? inputs[0].Shape[0] : -1;
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i].Shape.Length == 0 || inputs[i].Shape[0] != rows)
            {
                return -1;
            }
        }

        for (var i = 0; i < outputNames.Count; i++)
        {
            if (!_batchOutputs.TryGetValue(outputNames[i], out plans[i]!))
            {
                return -1;
            }
        }

        return rows;
    }

    /// <summary>
    /// Runs with outputs written straight into arrays of ours, sized [rows, ...] from the graph's metadata, which
    /// saves ONNX Runtime's allocation and a copy per output. Returns null when the shapes are not predictable.
    /// </summary>
    private Tensor[]? TryRunIntoOwnBuffers(IReadOnlyList<Tensor> inputs, string[] names, OrtValue[] values, IReadOnlyList<string> outputNames, out bool failed)
    {
        failed = false;
        var count = outputNames.Count;
        var scratch = RunScratch.ForOutputs(count);
        var plans = scratch.Plans;
        var rows = PlanBatch(inputs, outputNames, plans);
        if (rows < 0)
        {
            Array.Clear(plans);
            return null;
        }

        var outputs = new Tensor[count];
        var outputValues = scratch.OutputValues;
        var pins = scratch.OutputPins;
        try
        {
            for (var i = 0; i < count; i++)
            {
                outputs[i] = plans[i].Allocate(outputNames[i], rows);
                pins[i] = outputs[i].Data.AsMemory().Pin();
                unsafe
                {
                    outputValues[i] = OrtValue.CreateTensorValueWithData(
                        OrtMemoryInfo.DefaultInstance, plans[i].ElementType, outputs[i].Shape, (IntPtr)pins[i].Pointer, outputs[i].Data.Length);
                }
            }

            _session.Run(_runOptions, names, values, outputNames as IReadOnlyCollection<string> ?? [.. outputNames], outputValues);
            return outputs;
        }
        catch (OnnxRuntimeException)
        {
            // Either the output shapes are not what the metadata suggests or the input is bad; the caller's
            // ordinary run tells which.
            failed = true;
            return null;
        }
        finally
        {
            for (var i = 0; i < count; i++)
            {
                outputValues[i]?.Dispose();
                outputValues[i] = null!;
                pins[i].Dispose();
                pins[i] = default;
                plans[i] = null!;
            }
        }
    }

    private void CheckOutputName(string name)
    {
        if (_outputTypes.ContainsKey(name))
        {
            return;
        }

        throw NonTensorOutputs.Contains(name)
            ? InferenceException.BadRequest($"output '{name}' is not a tensor (a sequence or map) and cannot be served")
            : InferenceException.BadRequest($"unknown output '{name}'; the model has {string.Join(", ", _tensorOutputNames)}");
    }

    private unsafe OrtValue CreateInput(Tensor input, ref MemoryHandle pin)
    {
        if (!_inputTypes.TryGetValue(input.Name, out var elementType))
        {
            throw InferenceException.BadRequest($"unknown input '{input.Name}'; the model has {string.Join(", ", _inputTypes.Keys)}");
        }

        var dataType = OnnxTypeMap.ToElementType(input.DataType);
        if (dataType != elementType)
        {
            throw InferenceException.BadRequest(
                $"input '{input.Name}' has datatype {input.DataType.ToProtocolName()}; the model expects {Describe(elementType)}");
        }

        var elementCount = input.ElementCount;
        if (elementCount < 0)
        {
            throw InferenceException.BadRequest($"input '{input.Name}' has a negative dimension in shape [{string.Join(",", input.Shape)}]");
        }

        if (elementType == TensorElementType.String)
        {
            return CreateStringInput(input, elementCount);
        }

        var expectedBytes = elementCount * input.DataType.ElementSize();
        if (input.Data.Length != expectedBytes)
        {
            throw InferenceException.BadRequest(
                $"input '{input.Name}' holds {input.Data.Length} bytes; shape [{string.Join(",", input.Shape)}] of {input.DataType.ToProtocolName()} needs {expectedBytes}");
        }

        pin = input.Data.AsMemory().Pin();
        return OrtValue.CreateTensorValueWithData(
            OrtMemoryInfo.DefaultInstance, elementType, input.Shape, (IntPtr)pin.Pointer, input.Data.Length);
    }

    /// <summary>A fixed-size input the data plane already checked against the signature: wrapped, not checked again.</summary>
    private static unsafe OrtValue CreateCheckedInput(Tensor input, ref MemoryHandle pin)
    {
        pin = input.Data.AsMemory().Pin();
        return OrtValue.CreateTensorValueWithData(
            OrtMemoryInfo.DefaultInstance, OnnxTypeMap.ToElementType(input.DataType), input.Shape, (IntPtr)pin.Pointer, input.Data.Length);
    }

    private static OrtValue CreateStringInput(Tensor input, long elementCount)
    {
        var elements = input.Elements!;
        if (elements.Length != elementCount)
        {
            throw InferenceException.BadRequest(
                $"input '{input.Name}' holds {elements.Length} elements; shape [{string.Join(",", input.Shape)}] needs {elementCount}");
        }

        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, input.Shape);
        try
        {
            for (var i = 0; i < elements.Length; i++)
            {
                value.StringTensorSetElementAt(elements[i].AsSpan(), i);
            }

            return value;
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }

    private static Tensor ReadOutput(string name, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var shape = info.Shape;
        if (info.ElementDataType == TensorElementType.String)
        {
            var elements = new byte[info.ElementCount][];
            for (var i = 0; i < elements.Length; i++)
            {
                elements[i] = value.GetStringElementAsSpan(i).ToArray();
            }

            return Tensor.FromElements(name, shape, elements);
        }

        if (!OnnxTypeMap.TryToDataType(info.ElementDataType, out var dataType))
        {
            throw new InferenceException($"output '{name}' has element type {info.ElementDataType}, which OIP cannot carry");
        }

        return Tensor.FromBytes(name, dataType, shape, value.GetTensorMutableRawData().ToArray());
    }

    private static InferenceException ToInferenceException(OnnxRuntimeException ex) =>
        ex.Message.Contains("[ErrorCode:InvalidArgument]", StringComparison.Ordinal)
            ? new InferenceException(InferenceErrorKind.BadRequest, $"the model rejected the input: {ex.Message}", ex)
            : new InferenceException(InferenceErrorKind.Internal, $"the model failed: {ex.Message}", ex);

    private static string Describe(TensorElementType elementType) =>
        OnnxTypeMap.TryToDataType(elementType, out var dataType) ? dataType.ToProtocolName() : elementType.ToString();

    /// <summary>Bound calls kept for batches of <paramref name="rows"/> rows (tests: whether checked calls ran bound).</summary>
    internal int KeptBoundCalls(long rows) => _bound.KeptFor(rows);

    private void Free()
    {
        _bound.Dispose();
        _session.Dispose();
        _sessionOptions.Dispose();
        _runOptions.Dispose();
    }
}
