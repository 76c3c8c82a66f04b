namespace Serving.Core.Packaging.Mlflow;

/// <summary>
/// One input or output of an MLflow signature: a tensor (<c>{"type":"tensor","tensor-spec":{...}}</c>) or a column
/// (<c>{"type":"double","name":"sepal length"}</c>). Names are optional in MLflow.
/// </summary>
/// <param name="Name">The entry's name, or null when MLflow left it out.</param>
/// <param name="Type"><c>tensor</c>, or the column type (<c>double</c>, <c>long</c>, <c>string</c>, ...).</param>
/// <param name="Dtype">The numpy dtype of a tensor (<c>float32</c>), null for a column.</param>
/// <param name="Shape">The shape of a tensor (-1 for a variable dimension), null for a column.</param>
public sealed record MlflowSignatureEntry(string? Name, string Type, string? Dtype, IReadOnlyList<long>? Shape)
{
    /// <summary>Whether this entry is a tensor rather than a column.</summary>
    public bool IsTensor => Type == "tensor";

    /// <summary>The OIP datatype this entry holds (see <see cref="MlflowTypes"/>).</summary>
    public string Datatype => IsTensor ? MlflowTypes.FromDtype(Dtype!) : MlflowTypes.FromColumnType(Type);

    public override string ToString() => IsTensor
        ? $"{Name ?? "(unnamed)"}: tensor {Dtype} [{string.Join(", ", Shape ?? [])}]"
        : $"{Name ?? "(unnamed)"}: {Type}";
}
