using Serving.Core.Routing.Mlflow;
using Serving.Core.Tests.Routing;

namespace Serving.Core.Tests.Routing.Mlflow;

/// <summary>The line an MLflow source logs when it applies the aliases says none for a missing canary.</summary>
public sealed class MlflowLogTests
{
    [Fact]
    public void Aliases_without_a_canary_say_none()
    {
        var logger = new ListLogger<MlflowLogTests>();

        MlflowLog.Deployed(logger, "iris", 2, null, 0);
        MlflowLog.Deployed(logger, "iris", 2, 3, 25);

        Assert.Equal(
            ["MLflow: model 'iris' follows its aliases: stable 2, canary none", "MLflow: model 'iris' follows its aliases: stable 2, canary 3 at 25%"],
            logger.Entries.Select(e => e.Message));
    }
}
