using Serving.Core.Packaging;

namespace Serving.Core.Tests.Packaging;

public sealed class CsvDataSetTests
{
    [Fact]
    public void Quoted_header_cells_may_hold_commas_and_quotes()
    {
        using var temp = new TemporaryDirectory();
        var path = temp.Combine("data.csv");
        File.WriteAllText(path, "\"a,b\",\"say \"\"hi\"\"\",target\r\n1,2,0\r\n3,4,1\r\n");

        var data = CsvDataSet.Load(path);

        Assert.Equal(["a,b", "say \"hi\"", "target"], data.ColumnNames);
        Assert.Equal([2.0, 4.0], data.Column("say \"hi\""));
    }

    [Fact]
    public void A_folder_given_as_the_data_file_is_refused_as_a_folder_not_as_access_denied()
    {
        using var temp = new TemporaryDirectory();

        var load = Assert.Throws<PackagingException>(() => CsvDataSet.Load(temp.Path));
        var header = Assert.Throws<PackagingException>(() => CsvDataSet.ReadColumnNames(temp.Path));

        Assert.All([load, header], e => Assert.Equal($"'{temp.Path}' is a folder; expected a CSV file", e.Message));
    }

    [Fact]
    public void Empty_and_non_numeric_cells_are_missing()
    {
        using var temp = new TemporaryDirectory();
        var path = temp.Combine("data.csv");
        File.WriteAllText(path, "x,y\n1,\nNA,2\n");

        var data = CsvDataSet.Load(path);

        Assert.True(double.IsNaN(data.Column("y")[0]));
        Assert.True(double.IsNaN(data.Column("x")[1]));
        Assert.Equal(2, data.Rows);
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_cells_is_refused_with_its_line()
    {
        using var temp = new TemporaryDirectory();
        var path = temp.Combine("data.csv");
        File.WriteAllText(path, "x,y\n1,2\n3\n");

        var error = Assert.Throws<PackagingException>(() => CsvDataSet.Load(path));

        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
    }
}
