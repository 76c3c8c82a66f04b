using Serving.Gateway.Hosting;

// The content root is the app's own folder, so its appsettings.json is read whichever folder it starts from;
// relative paths in configuration (the registry) still resolve against the current folder.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServingGateway();

var app = builder.Build();
app.MapServingEndpoints();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
