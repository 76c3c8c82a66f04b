namespace Serving.Cli.Commands;

/// <summary>How a command prints what it read: for people, or for scripts.</summary>
internal enum OutputFormat
{
    /// <summary>Tables and lines for people, on standard error.</summary>
    Table,

    /// <summary>A header line, then tab-separated rows, on standard output; no markup, no wrapping.</summary>
    Tsv,

    /// <summary>The gateway's JSON answer as it came, on standard output.</summary>
    Json,
}
