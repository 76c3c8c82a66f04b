using System.CommandLine;
using Serving.Cli.Commands;
using Serving.Cli.Commands.Admin;
using Serving.Cli.Commands.Logs;
using Serving.Core.Packaging;

namespace Serving.Cli;

/// <summary>The <c>serving</c> command line: its command tree and one entry point for Program and tests.</summary>
public static class ServingCli
{
    /// <summary>The root command with every sub-command wired to <paramref name="output"/>.</summary>
    public static RootCommand Create(CliOutput output, Func<PackageBuilder> builder)
    {
        var root = new RootCommand("Package, train and publish models for the serving gateway, and manage what it serves.");
        root.Subcommands.Add(PackageCommand.Create(output, builder));
        root.Subcommands.Add(TrainCommand.Create(output, builder));
        root.Subcommands.Add(LogsCommand.Create(output));
        AdminCommands.AddTo(root, output);
        root.Subcommands.Add(Commands.Monitoring.DriftCommand.Create(output));
        root.Subcommands.Add(Commands.Monitoring.PerformanceCommand.Create(output));
        root.Subcommands.Add(Commands.Retraining.RetrainerCommand.Create(output));
        return root;
    }

    /// <summary>Parses and runs; returns the exit code (0 success, 1 failure, 2 usage error).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliOutput output, Func<PackageBuilder> builder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var parsed = Create(output, builder).Parse(args);
        var messages = output.Console.Profile.Out.Writer;
        if (parsed.Errors.Count > 0)
        {
            // The errors and the help after them are for the person who mistyped: standard error, never the result.
            await parsed.InvokeAsync(new InvocationConfiguration { Output = messages, Error = messages }, cancellationToken).ConfigureAwait(false);
            return 2;
        }

        // --version and --help answer on standard output, as scripts (v=$(serving --version)) expect.
        var configuration = new InvocationConfiguration { Output = output.Result, Error = messages };
        return await parsed.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}
