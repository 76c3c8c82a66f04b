using System.CommandLine;
using Serving.Cli.Admin;
using Spectre.Console;

namespace Serving.Cli.Commands.Admin;

/// <summary><c>serving deploy &lt;name&gt; --stable N [--canary M --weight W] [--shadow K]</c>: sets the deployment.</summary>
internal static class DeployCommand
{
    public static Command Create(CliOutput output)
    {
        var options = new AdminCommandOptions();
        var name = new Argument<string>("name") { Description = "Model name." };
        var stable = new Option<int>("--stable") { Description = "Stable version.", Required = true };
        var canary = new Option<int?>("--canary") { Description = "Canary version." };
        var weight = new Option<int?>("--weight") { Description = "Percent of traffic for the canary, 0 to 100 (default 0)." };
        var shadow = new Option<int?>("--shadow") { Description = "Shadow version: gets a copy of live requests, never answers." };
        var command = options.AddTo(new Command("deploy", "Set a model's deployment; versions not loaded are loaded first, and a failure keeps the old deployment.")
        {
            name, stable, canary, weight, shadow,
        });
        command.SetAction((parse, cancellationToken) => options.RunAsync(output, parse, async (client, format) =>
        {
            var model = parse.GetValue(name)!;
            var deployment = new DeploymentView(parse.GetValue(stable), parse.GetValue(canary), parse.GetValue(weight) ?? 0, parse.GetValue(shadow));
            var answer = await client.SetDeploymentAsync(model, deployment, cancellationToken).ConfigureAwait(false);
            await WriteAsync(output, model, answer, format).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    /// <summary>Prints a changed deployment: the JSON, a TSV row, or one line for people.</summary>
    public static async Task WriteAsync(CliOutput output, string model, AdminAnswer<DeploymentView> answer, OutputFormat format)
    {
        switch (format)
        {
            case OutputFormat.Json:
                await output.Result.WriteLineAsync(answer.Json).ConfigureAwait(false);
                break;
            case OutputFormat.Tsv:
                await AdminTsv.DeploymentAsync(output.Result, model, answer.Value).ConfigureAwait(false);
                break;
            default:
                output.Console.MarkupLineInterpolated($"[green]{model}[/]: {answer.Value.Describe()}");
                break;
        }
    }
}
