using System.Text.Json.Nodes;
using Serving.Cli.Retraining;
using Serving.Cli.Tests.Commands;

namespace Serving.Cli.Tests.Retraining;

/// <summary>The retrainer's settings are checked at start: every problem is one line, and the exit code is 2.</summary>
public sealed class RetrainerConfigTests
{
    [Fact]
    public async Task Every_problem_of_the_config_and_the_secret_is_one_error_line_and_exit_code_2()
    {
        using var work = new TemporaryDirectory();
        var config = work.Combine("retrainer.json");
        await File.WriteAllTextAsync(config, new JsonObject
        {
            ["margin"] = -1,
            ["jobs"] = new JsonObject
            {
                ["a"] = new JsonObject { ["kind"] = "nope", ["trainingData"] = RetrainerTestBed.TrainingData },
                ["b"] = new JsonObject { ["kind"] = "command", ["trainingData"] = RetrainerTestBed.TrainingData },
                ["breast-cancer"] = new JsonObject { ["kind"] = "builtin", ["metric"] = "auc", ["trainingData"] = RetrainerTestBed.TrainingData },
            },
        }.ToJsonString(), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(work.Combine("secret"), "not-a-secret", TestContext.Current.CancellationToken);
        Directory.CreateDirectory(work.Combine("models"));

        var run = await CliRun.Of("retrainer", "--registry", work.Combine("models"), "--data", work.Combine("data"), "--secret-file", work.Combine("secret"), "--config", config);

        Assert.Equal(2, run.ExitCode);
        var lines = run.Messages.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("--secret-file: a webhook secret starts with 'whsec_'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("margin is -1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("jobs.a.kind is 'nope'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("jobs.b.command is empty", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("jobs.breast-cancer.metric is 'auc'", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_key_is_refused_rather_than_ignored()
    {
        using var work = new TemporaryDirectory();
        var config = work.Combine("retrainer.json");
        File.WriteAllText(config, """{"jobs": {"breast-cancer": {"kind": "builtin", "timeout": 5}}}""");

        var error = Assert.Throws<RetrainerConfigException>(() => RetrainerConfig.Load(config, Repository.DataDirectory));

        Assert.Contains("timeout", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_cooldown_or_a_window_baseline_minimum_under_one_is_refused()
    {
        var config = new RetrainerConfig
        {
            CooldownMinutes = -1,
            BaselineFromWindowMinRows = 0,
            Jobs = new(StringComparer.Ordinal) { ["breast-cancer"] = new RetrainJob { CooldownMinutes = double.NaN } },
        };

        var error = Assert.Throws<RetrainerConfigException>(() => config.Resolved(Repository.DataDirectory, Repository.DataDirectory));

        Assert.Equal(3, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.StartsWith("cooldownMinutes is -1", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("baselineFromWindowMinRows is 0", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("jobs.breast-cancer.cooldownMinutes is NaN", StringComparison.Ordinal));
    }
}
