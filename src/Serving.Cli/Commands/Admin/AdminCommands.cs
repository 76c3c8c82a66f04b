using System.CommandLine;

namespace Serving.Cli.Commands.Admin;

/// <summary>Every command that works through the gateway's admin API.</summary>
internal static class AdminCommands
{
    public static void AddTo(RootCommand root, CliOutput output)
    {
        root.Subcommands.Add(ModelsCommand.Create(output));
        root.Subcommands.Add(DeployCommand.Create(output));
        root.Subcommands.Add(DeploymentActionCommand.Create(output, "promote", "Make the canary the stable version."));
        root.Subcommands.Add(DeploymentActionCommand.Create(output, "rollback", "Remove the canary; without one, return to the previous stable version."));
        root.Subcommands.Add(RolloutCommand.Create(output));
        root.Subcommands.Add(VersionsCommand.Create(output));
        root.Subcommands.Add(WebhooksCommand.Create(output));
    }
}
