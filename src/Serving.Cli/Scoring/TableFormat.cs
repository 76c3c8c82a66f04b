namespace Serving.Cli.Scoring;

/// <summary>The file formats <c>serving score</c> reads and writes.</summary>
internal enum TableFormat
{
    Csv,
    Parquet,
}
