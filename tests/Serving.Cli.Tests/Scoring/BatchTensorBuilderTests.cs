using Serving.Cli.Scoring;
using Serving.Core.Contracts;
using Serving.Core.Inference.Mlflow;

namespace Serving.Cli.Tests.Scoring;

/// <summary>
/// The plain-row path types a row into every FP32 input of a model, each feature into its own input and place,
/// whatever the order of the file's columns; a row it cannot read in one go is read cell by cell to the same values.
/// </summary>
public sealed class BatchTensorBuilderTests
{
    [Fact]
    public async Task Plain_rows_fill_each_input_from_its_own_columns_in_the_signature_s_order()
    {
        using var temp = new TemporaryDirectory();
        var path = temp.Combine("in.csv");

        // Columns in another order than the inputs', one column no input takes; the third row's x is in E notation,
        // off both short-decimal readers, and the fourth is quoted: both go cell by cell.
        await File.WriteAllTextAsync(
            path,
            "z,note,y,x\n1.5,a,2.25,-3\n-0.0625,b,1001,0.006399\n7,c,8,1e-3\n\"9\",d,10.5,11\n",
            TestContext.Current.CancellationToken);
        TensorSpec[] inputs =
        [
            new() { Name = "pair", Datatype = "FP32", Shape = [-1, 2], Features = ["x", "y"] },
            new() { Name = "single", Datatype = "FP32", Shape = [-1, 1], Features = ["z"] },
        ];

        await using var reader = CsvTableReader.Open(path);
        var match = ColumnMatch.Create(MlflowInputLayout.Of(inputs), reader.Columns, "m");
        var builder = new BatchTensorBuilder(match, 8);
        var batch = await reader.ReadAsync(8, TestContext.Current.CancellationToken);
        var built = builder.Build(batch!);

        Assert.Empty(built.Rejected);
        Assert.Equal([0, 1, 2, 3], built.Kept);
        Assert.Equal([-3f, 2.25f, 0.006399f, 1001f, 1e-3f, 8f, 11f, 10.5f], built.Inputs[0].AsSpan<float>().ToArray());
        Assert.Equal([1.5f, -0.0625f, 7f, 9f], built.Inputs[1].AsSpan<float>().ToArray());
    }
}
