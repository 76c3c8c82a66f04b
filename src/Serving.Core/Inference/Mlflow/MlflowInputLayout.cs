using System.Runtime.CompilerServices;
using System.Text;
using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Core.Inference.Mlflow;

/// <summary>
/// A model's inputs flattened into one list of features, so every body format fills the same grid of
/// rows x features. Built once per <see cref="ModelMetadata"/> instance and cached with it. In Core so that
/// <c>/invocations</c> and <c>serving score</c> match columns to features by one rule.
/// </summary>
public sealed class MlflowInputLayout
{
    private static readonly ConditionalWeakTable<ModelMetadata, MlflowInputLayout> Cache = [];

    private readonly Dictionary<string, int> featureIndex;
    private readonly Dictionary<string, int> inputIndex;

    private MlflowInputLayout(IReadOnlyList<TensorSpec> inputs)
    {
        var slots = new List<MlflowInputSlot>(inputs.Count);
        var names = new List<string>();
        var owners = new List<int>();
        var namedFlags = new List<bool>();
        featureIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        inputIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var spec in inputs)
        {
            var dataType = TensorDataTypes.Parse(spec.Datatype, $"input '{spec.Name}'");
            var trailing = TrailingShape(spec);
            if (spec.Features is null)
            {
                // Without feature names a variable trailing dim cannot be filled by columns; read it as 1.
                trailing = [.. trailing.Select(dim => Math.Max(dim, 1))];
            }

            var fixedWidth = FixedWidth(trailing);
            var named = spec.Features is not null || fixedWidth == 1;
            var width = spec.Features?.Count ?? checked((int)fixedWidth);
            if (spec.Features is not null && fixedWidth != width)
            {
                // The signature's dims do not say how k features lie out; a flat [N,k] is what they describe.
                trailing = [width];
            }

            var slot = new MlflowInputSlot(spec, dataType, names.Count, width, trailing);
            inputIndex.TryAdd(spec.Name, slots.Count);
            for (var j = 0; j < width; j++)
            {
                var name = spec.Features?[j] ?? (width == 1 ? spec.Name : $"{spec.Name}[{j}]");
                if (named)
                {
                    featureIndex.TryAdd(name, names.Count);
                }

                names.Add(name);
                owners.Add(slots.Count);
                namedFlags.Add(named);
            }

            slots.Add(slot);
        }

        Slots = slots.ToArray();
        FeatureNames = [.. names];
        FeatureNamesUtf8 = [.. names.Select(Encoding.UTF8.GetBytes)];
        FeatureOwners = [.. owners];
        FeatureIsNamed = [.. namedFlags];
    }

    public IReadOnlyList<MlflowInputSlot> Slots { get; }

    /// <summary>All features in input order; unnamed features of a wide input read <c>input[j]</c>.</summary>
    public string[] FeatureNames { get; }

    public byte[][] FeatureNamesUtf8 { get; }

    /// <summary>For each feature, the index of the slot it belongs to.</summary>
    public int[] FeatureOwners { get; }

    /// <summary>For each feature, whether a column of that name may supply it.</summary>
    public bool[] FeatureIsNamed { get; }

    public int FeatureCount => FeatureNames.Length;

    public static MlflowInputLayout For(ModelMetadata model) => Cache.GetValue(model, static m => new MlflowInputLayout(m.Inputs));

    /// <summary>A layout over a signature's inputs, not cached: for a caller that builds it once and keeps it.</summary>
    public static MlflowInputLayout Of(IReadOnlyList<TensorSpec> inputs) => new(inputs);

    /// <summary>The feature a column name matches, or -1 when the model does not use that column.</summary>
    public int FindFeature(string column) => featureIndex.TryGetValue(column, out var index) ? index : -1;

    /// <summary>The input slot a name matches, or -1.</summary>
    public int FindInput(string name) => inputIndex.TryGetValue(name, out var index) ? index : -1;

    private static long[] TrailingShape(TensorSpec spec)
    {
        if (spec.Shape.Count <= 1)
        {
            return [];
        }

        var trailing = new long[spec.Shape.Count - 1];
        for (var i = 1; i < spec.Shape.Count; i++)
        {
            trailing[i - 1] = spec.Shape[i];
        }

        return trailing;
    }

    private static long FixedWidth(long[] trailing)
    {
        long width = 1;
        foreach (var dim in trailing)
        {
            if (dim < 0)
            {
                return -1;
            }

            width *= dim;
        }

        return width;
    }
}
