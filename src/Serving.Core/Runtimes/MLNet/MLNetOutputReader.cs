using System.Reflection;
using Microsoft.ML;
using Serving.Core.Contracts;

namespace Serving.Core.Runtimes.MLNet;

/// <summary>Collects one output column, row by row, into a tensor. One engine owns it; not thread-safe.</summary>
internal abstract class MLNetOutputReader
{
    protected MLNetOutputReader(MLNetColumn column) => Column = column;

    public MLNetColumn Column { get; }

    /// <summary>Starts a call of <paramref name="rows"/> rows.</summary>
    public abstract void Begin(int rows);

    /// <summary>Reads the output row that matches input row <paramref name="row"/>.</summary>
    public abstract void Read(int row);

    /// <summary>Ends the call; the tensor owns the collected buffer.</summary>
    public abstract Tensor End();

    public static MLNetOutputReader Create(MLNetColumn column, DataViewRow output)
    {
        var column0 = output.Schema[column.Column.Index];
        Type readerType;
        if (column.ItemType == typeof(ReadOnlyMemory<char>))
        {
            readerType = column.IsVector ? typeof(MLNetTextVectorReader) : typeof(MLNetTextReader);
            return (MLNetOutputReader)Activator.CreateInstance(readerType, column, output, column0)!;
        }

        readerType = (column.IsVector ? typeof(MLNetVectorReader<>) : typeof(MLNetScalarReader<>)).MakeGenericType(column.ItemType);
        return (MLNetOutputReader)Activator.CreateInstance(readerType, BindingFlags.Public | BindingFlags.Instance, null, [column, output, column0], null)!;
    }

    protected static InferenceException RaggedVector(string name, int expected, int actual) =>
        new($"output '{name}' has {actual} values in one row and {expected} in another; a tensor needs the same number in every row");
}
