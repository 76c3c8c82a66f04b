namespace Serving.Cli.Admin;

/// <summary>A successful answer: the parsed value and the JSON as the server sent it (for <c>--json</c>).</summary>
public sealed record AdminAnswer<T>(T Value, string Json);
