using System.CommandLine;

namespace Serving.Cli.Commands.Admin;

/// <summary><c>serving promote &lt;name&gt;</c> and <c>serving rollback &lt;name&gt;</c>.</summary>
internal static class DeploymentActionCommand
{
    /// <param name="action"><c>promote</c> or <c>rollback</c>: the command's name and the endpoint it calls.</param>
    public static Command Create(CliOutput output, string action, string description)
    {
        var options = new AdminCommandOptions();
        var name = new Argument<string>("name") { Description = "Model name." };
        var command = options.AddTo(new Command(action, description) { name });
        command.SetAction((parse, cancellationToken) => options.RunAsync(output, parse, async (client, format) =>
        {
            var model = parse.GetValue(name)!;
            var answer = await client.ChangeDeploymentAsync(model, action, cancellationToken).ConfigureAwait(false);
            await DeployCommand.WriteAsync(output, model, answer, format).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
