using System.Buffers;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>
/// The request as a table of rows x model features, whatever format it came in. Cells are borrowed from
/// the array pool because a single-row request is the common case and should not allocate a table.
/// </summary>
internal sealed class MlflowCellGrid : IDisposable
{
    private MlflowCell[]? cells;

    public MlflowCellGrid(int rows, int features)
    {
        Rows = rows;
        Features = features;
        var length = checked(rows * features);
        cells = ArrayPool<MlflowCell>.Shared.Rent(length);
        Array.Clear(cells, 0, length);
    }

    public int Rows { get; }

    public int Features { get; }

    public ref MlflowCell this[int row, int feature] =>
        ref (cells ?? throw new ObjectDisposedException(nameof(MlflowCellGrid)))[(row * Features) + feature];

    /// <summary>Whether any row has a value for the feature: a column that never appears is missing.</summary>
    public bool HasColumn(int feature)
    {
        for (var row = 0; row < Rows; row++)
        {
            if (this[row, feature].IsPresent)
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose()
    {
        if (cells is not null)
        {
            // Cleared so the pool does not keep request documents alive.
            ArrayPool<MlflowCell>.Shared.Return(cells, clearArray: true);
            cells = null;
        }
    }
}
