using Microsoft.ML;
using Serving.Core.Contracts;

namespace Serving.Core.Runtimes.MLNet;

/// <summary>
/// One ML.NET <c>model.zip</c>, scored through a pool of engines that belongs to this runtime: an engine
/// serves one call at a time, and the pool is freed with the runtime. A batch of N rows runs row by row
/// through one borrowed engine.
/// </summary>
public sealed class MLNetModelRuntime : IModelRuntime
{
    private readonly ITransformer _model;
    private readonly MLNetModelLayout _layout;
    private readonly MLNetEnginePool _pool;
    private readonly Dictionary<string, int> _slotsByName;
    private readonly HashSet<string> _outputNames;
    private readonly string[] _allOutputNames;
    private readonly RuntimeLifetime _lifetime;

    private MLNetModelRuntime(ITransformer model, MLNetModelLayout layout, int poolSize)
    {
        _model = model;
        _layout = layout;
        _pool = new MLNetEnginePool(() => new MLNetEngine(model, layout), poolSize);
        Inputs = [.. layout.Inputs.Select(c => c.ToSpec())];
        Outputs = [.. layout.Outputs.Select(c => c.ToSpec())];
        _slotsByName = layout.Inputs.Select((c, slot) => (c.Name, slot)).ToDictionary(p => p.Name, p => p.slot, StringComparer.Ordinal);
        _allOutputNames = [.. layout.Outputs.Select(c => c.Name)];
        _outputNames = new HashSet<string>(_allOutputNames, StringComparer.Ordinal);
        _lifetime = new RuntimeLifetime(Free);
    }

    /// <summary>Input columns the outputs depend on: scalars as [-1], vectors as [-1,k].</summary>
    public IReadOnlyList<TensorSpec> Inputs { get; }

    /// <summary>Columns the model adds (Score, PredictedLabel, Probability, ...), without pass-through or hidden columns.</summary>
    public IReadOnlyList<TensorSpec> Outputs { get; }

    /// <summary>Idle engines in this runtime's pool.</summary>
    internal int IdleEngines => _pool.IdleCount;

    /// <summary>
    /// Loads <paramref name="path"/> with <c>MLContext.Model.Load</c> and makes one engine, so that a model that
    /// cannot score fails here rather than on its first request. Throws <see cref="ModelLoadException"/> with the reason.
    /// </summary>
    public static MLNetModelRuntime Load(string path, int poolSize = 0)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"ML.NET model file '{path}' does not exist");
        }

        ITransformer model;
        DataViewSchema inputSchema;
        try
        {
            model = new MLContext(seed: 0).Model.Load(path, out inputSchema);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new ModelLoadException($"ML.NET could not load '{path}': {ex.Message}", ex);
        }

        try
        {
            var layout = MLNetModelLayout.Analyze(model, inputSchema, path);
            var runtime = new MLNetModelRuntime(model, layout, poolSize > 0 ? poolSize : Environment.ProcessorCount * 2);
            runtime._pool.Return(new MLNetEngine(model, layout));
            return runtime;
        }
        catch (Exception ex) when (ex is not ModelLoadException and not OutOfMemoryException)
        {
            (model as IDisposable)?.Dispose();
            throw new ModelLoadException($"ML.NET model '{path}' cannot be served: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public ValueTask<Tensor[]> RunAsync(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> outputNames, CancellationToken cancellationToken) =>
        ValueTask.FromResult(RunCore(inputs, outputNames, cancellationToken));

    /// <inheritdoc />
    /// <remarks>
    /// The caller's reference on the version keeps Dispose away: no second count of calls in flight. Engines find
    /// inputs by the artifact's column names, so the inputs are renamed first.
    /// </remarks>
    public ValueTask<Tensor[]> RunCheckedAsync(IReadOnlyList<Tensor> inputs, CheckedCallNames names, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(names);
        var outputs = RunCore(names.InputsUnderArtifactNames(inputs), names.Outputs, cancellationToken, counted: false);
        return ValueTask.FromResult(names.NameAnswer(outputs));
    }

    /// <summary>Runs the model synchronously. An empty <paramref name="outputNames"/> asks for every output.</summary>
    public Tensor[] Run(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> outputNames) =>
        RunCore(inputs, outputNames, CancellationToken.None);

    /// <summary>Frees the engines and the model once calls in flight have finished; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _lifetime.Dispose();

    private Tensor[] RunCore(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> outputNames, CancellationToken cancellationToken, bool counted = true)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputNames);
        cancellationToken.ThrowIfCancellationRequested();
        if (counted)
        {
            _lifetime.Enter(this);
        }

        try
        {
            var names = outputNames.Count == 0 ? _allOutputNames : outputNames;
            foreach (var name in names)
            {
                if (!_outputNames.Contains(name))
                {
                    throw InferenceException.BadRequest($"unknown output '{name}'; the model has {string.Join(", ", _allOutputNames)}");
                }
            }

            var (bySlot, rows) = Bind(inputs);
            return Score(bySlot, rows, names, cancellationToken);
        }
        finally
        {
            if (counted)
            {
                _lifetime.Exit();
            }
        }
    }

    private Tensor[] Score(Tensor[] bySlot, int rows, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var engine = _pool.Rent();
        try
        {
            var outputs = engine.Run(bySlot, rows, names, cancellationToken);
            _pool.Return(engine);
            return outputs;
        }
        catch (OperationCanceledException)
        {
            _pool.Return(engine);
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // An engine that failed half-way may hold a broken cache: drop it rather than lend it again.
            engine.Dispose();
            throw ex as InferenceException ?? new InferenceException($"the ML.NET model failed: {ex.Message}", ex);
        }
    }

    private (Tensor[] BySlot, int Rows) Bind(IReadOnlyList<Tensor> inputs)
    {
        var bySlot = new Tensor[_layout.Inputs.Length];
        var rows = -1L;
        foreach (var input in inputs)
        {
            if (!_slotsByName.TryGetValue(input.Name, out var slot))
            {
                throw InferenceException.BadRequest($"unknown input '{input.Name}'; the model has {string.Join(", ", _slotsByName.Keys)}");
            }

            var column = _layout.Inputs[slot];
            var spec = Inputs[slot];
            if (input.DataType != column.DataType)
            {
                throw InferenceException.BadRequest($"input '{input.Name}' has datatype {input.DataType.ToProtocolName()}; the model expects {spec.Datatype}");
            }

            var inputRows = CheckShape(input, column);
            if (rows >= 0 && inputRows != rows)
            {
                throw InferenceException.BadRequest($"input '{input.Name}' has {inputRows} rows; other inputs have {rows}");
            }

            rows = inputRows;
            bySlot[slot] = input;
        }

        for (var slot = 0; slot < bySlot.Length; slot++)
        {
            if (bySlot[slot] is null)
            {
                throw InferenceException.BadRequest($"missing input '{_layout.Inputs[slot].Name}'");
            }
        }

        return (bySlot, (int)Math.Max(rows, 0));
    }

    private static long CheckShape(Tensor input, MLNetColumn column)
    {
        var shape = input.Shape;
        var shapeOk = column.IsVector
            ? shape.Length == 2 && (column.VectorSize == 0 || shape[1] == column.VectorSize)
            : shape.Length == 1 || (shape.Length == 2 && shape[1] == 1);
        if (!shapeOk || shape[0] < 0 || shape[0] > int.MaxValue)
        {
            var expected = column.IsVector ? $"[N,{(column.VectorSize == 0 ? "k" : column.VectorSize)}]" : "[N] or [N,1]";
            throw InferenceException.BadRequest($"input '{input.Name}' has shape [{string.Join(",", shape)}]; the model expects {expected}");
        }

        var elements = input.ElementCount;
        var held = input.DataType == TensorDataType.Bytes ? input.Elements!.LongLength : input.Data.LongLength / input.DataType.ElementSize();
        if (held != elements || (input.DataType != TensorDataType.Bytes && input.Data.Length % input.DataType.ElementSize() != 0))
        {
            throw InferenceException.BadRequest($"input '{input.Name}' holds {held} elements; shape [{string.Join(",", shape)}] needs {elements}");
        }

        return shape[0];
    }

    private void Free()
    {
        _pool.Dispose();
        (_model as IDisposable)?.Dispose();
    }
}
