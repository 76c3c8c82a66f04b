using Serving.Cli;

return await ServingCli.RunAsync(args, CliOutput.Standard(), RuntimeFactories.Builder).ConfigureAwait(false);
