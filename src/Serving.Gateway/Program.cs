using Serving.Gateway.Hosting;

return GatewayProgram.Run(args);

/// <summary>Entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
