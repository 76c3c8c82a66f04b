using System.Diagnostics;
using Serving.Cli.Scoring;
using Serving.Cli.Tests.Commands;

namespace Serving.Cli.Tests.Scoring;

/// <summary>
/// An output that is a device or a FIFO is written straight to, never replaced by a regular file (as root, a rename
/// would replace /dev/null itself); an output that is a link to a file is replaced at its target, the link kept.
/// </summary>
public sealed class TemporaryOutputTests
{
    [Fact]
    public async Task Dev_null_as_the_output_is_written_to_and_stays_a_device()
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "diabetes");

        var run = await CliRun.Of("score", "--model", "diabetes", "--registry", temp.Combine("models"), "--input", ScoringFiles.Sample("diabetes"), "--output", "/dev/null", "--format", "csv");

        Assert.True(run.ExitCode == 0, run.Messages);
        Assert.Equal("character special file", await TypeOfAsync("/dev/null"));
        Assert.Empty(Directory.GetFiles("/dev", ".null.*.tmp"));
    }

    [Fact]
    public async Task A_fifo_as_the_output_gets_the_rows_and_stays_a_fifo()
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "diabetes");
        var fifo = temp.Combine("scores.csv");
        await RunAsync("mkfifo", fifo);
        var read = Task.Run(() => File.ReadAllLinesAsync(fifo, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        var run = await CliRun.Of("score", "--model", "diabetes", "--registry", temp.Combine("models"), "--input", ScoringFiles.Sample("diabetes"), "--output", fifo);
        var lines = await read.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 0, run.Messages);
        Assert.Equal(File.ReadAllLines(ScoringFiles.Sample("diabetes")).Length, lines.Length);
        Assert.Equal("fifo", await TypeOfAsync(fifo));
        Assert.Equal(["scores.csv"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Parquet_to_a_fifo_is_refused_in_one_line_and_the_fifo_stays()
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "diabetes");
        var fifo = temp.Combine("scores.parquet");
        await RunAsync("mkfifo", fifo);

        var parquet = await CliRun.Of("score", "--model", "diabetes", "--registry", temp.Combine("models"), "--input", ScoringFiles.Sample("diabetes"), "--output", fifo);

        Assert.Equal(1, parquet.ExitCode);
        Assert.Contains("a Parquet output must be a file", System.Text.RegularExpressions.Regex.Replace(parquet.Messages, @"\s*\n\s*", " "), StringComparison.Ordinal);
        Assert.Equal("fifo", await TypeOfAsync(fifo));
        Assert.Equal(["scores.parquet"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_link_to_a_file_is_replaced_at_its_target_and_stays_a_link()
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "diabetes");
        File.WriteAllText(temp.Combine("target.csv"), "old\n");
        File.CreateSymbolicLink(temp.Combine("link.csv"), temp.Combine("target.csv"));

        var run = await CliRun.Of("score", "--model", "diabetes", "--registry", temp.Combine("models"), "--input", ScoringFiles.Sample("diabetes"), "--output", temp.Combine("link.csv"));

        Assert.True(run.ExitCode == 0, run.Messages);
        Assert.Equal(temp.Combine("target.csv"), new FileInfo(temp.Combine("link.csv")).LinkTarget);
        Assert.Equal(File.ReadAllLines(ScoringFiles.Sample("diabetes")).Length, File.ReadAllLines(temp.Combine("target.csv")).Length);
    }

    [Fact]
    public void The_side_file_of_a_stream_goes_to_the_current_folder_named_after_it()
    {
        var output = new TemporaryOutput("/dev/null");

        Assert.True(output.Direct);
        Assert.Equal("/dev/null", output.TemporaryPath);
        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "null.rejected.csv"), output.SidePath(".rejected.csv"));
        Assert.Equal("/tmp/out.csv.rejected.csv", new TemporaryOutput("/tmp/out.csv").SidePath(".rejected.csv"));
    }

    // stat's %F: "regular file", "character special file", "fifo", ...
    private static async Task<string> TypeOfAsync(string path) => (await RunAsync("stat", "-c", "%F", path)).Trim();

    private static async Task<string> RunAsync(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, process.ExitCode);
        return output;
    }
}
