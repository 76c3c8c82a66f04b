using Serving.Core.Monitoring.Logging;
using Serving.Core.Storage;

namespace Serving.Core.Tests.Monitoring.Logging;

public sealed class PredictionLogOptionsTests
{
    private static readonly DataPaths Data = new(Path.Combine(Path.GetTempPath(), "serving-data"));

    [Fact]
    public void By_default_prediction_logs_go_to_the_data_directory()
    {
        Assert.Equal(Path.Combine(Data.Root, "predictions"), new PredictionLogOptions().DirectoryIn(Data));
    }

    [Fact]
    public void A_directory_of_its_own_wins_and_is_relative_to_the_current_folder()
    {
        var options = new PredictionLogOptions { Directory = Path.Combine("logs", "predictions") };

        Assert.Equal(Path.GetFullPath(Path.Combine("logs", "predictions")), options.DirectoryIn(Data));
    }
}
