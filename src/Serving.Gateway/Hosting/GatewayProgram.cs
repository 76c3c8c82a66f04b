namespace Serving.Gateway.Hosting;

/// <summary>
/// The gateway's entry point. A bad setting or an address it cannot listen on ends start-up with one line on
/// stderr per problem, naming the key or address, the value and what is allowed, and an exit code that says which
/// kind of problem it was; anything else is a fault and keeps its stack trace.
/// </summary>
internal static class GatewayProgram
{
    public static int Run(string[] args)
    {
        try
        {
            // The content root is the app's own folder, so its appsettings.json is read whichever folder it starts from;
            // relative paths in configuration (the registry) still resolve against the current folder.
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
            builder.AddServingGateway();
            builder.Services.QuietStartupFailureLogs();

            var app = builder.Build();
            app.MapServingEndpoints();
            app.Run();
            return 0;
        }
        catch (Exception ex) when (StartupFailure.From(ex) is { } failure)
        {
            foreach (var line in failure.Lines)
            {
                Console.Error.WriteLine($"error: {line}");
            }

            return (int)failure.Kind;
        }
    }
}
