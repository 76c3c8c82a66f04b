using System.CommandLine;

namespace Serving.Cli.Commands.Admin;

/// <summary><c>serving models list|show</c>: models, their deployments and every version's state.</summary>
internal static class ModelsCommand
{
    public static Command Create(CliOutput output)
    {
        var listOptions = new AdminCommandOptions();
        var list = listOptions.AddTo(new Command("list", "List models with their deployment and versions."));
        list.SetAction((parse, cancellationToken) => listOptions.RunAsync(output, parse, async (client, format) =>
        {
            var answer = await client.ListModelsAsync(cancellationToken).ConfigureAwait(false);
            switch (format)
            {
                case OutputFormat.Json:
                    await output.Result.WriteLineAsync(answer.Json).ConfigureAwait(false);
                    break;
                case OutputFormat.Tsv:
                    await AdminTsv.ModelsAsync(output.Result, answer.Value).ConfigureAwait(false);
                    break;
                default:
                    output.Console.Write(AdminRender.Models(answer.Value));
                    break;
            }

            return 0;
        }));

        var showOptions = new AdminCommandOptions();
        var name = new Argument<string>("name") { Description = "Model name." };
        var show = showOptions.AddTo(new Command("show", "Show one model: policy, deployment, rollout and versions with state and reason (tsv: one row per version).") { name });
        show.SetAction((parse, cancellationToken) => showOptions.RunAsync(output, parse, async (client, format) =>
        {
            var answer = await client.GetModelAsync(parse.GetValue(name)!, cancellationToken).ConfigureAwait(false);
            switch (format)
            {
                case OutputFormat.Json:
                    await output.Result.WriteLineAsync(answer.Json).ConfigureAwait(false);
                    break;
                case OutputFormat.Tsv:
                    await AdminTsv.VersionsAsync(output.Result, answer.Value).ConfigureAwait(false);
                    break;
                default:
                    output.Console.Write(AdminRender.Model(answer.Value));
                    break;
            }

            return 0;
        }));

        return new Command("models", "Read the gateway's models through the admin API.") { list, show };
    }
}
