using Serving.Core.Contracts;
using Serving.Core.Inference;
namespace Serving.Gateway.Rest.Mlflow;

/// <summary>Reads a Content-Type header the way MLflow's scoring server does: JSON or CSV, UTF-8 only.</summary>
public static class MlflowContentType
{
    private const string Json = "application/json";
    private const string Csv = "text/csv";

    /// <summary>The body format, or a 415 <see cref="MlflowRequestException"/> for anything else.</summary>
    public static MlflowBodyFormat Parse(string? contentType)
    {
        // The exact header almost every client sends; skips the general parse on the hot path.
        if (string.Equals(contentType, Json, StringComparison.OrdinalIgnoreCase))
        {
            return MlflowBodyFormat.Json;
        }

        var text = contentType.AsSpan();
        var semicolon = text.IndexOf(';');
        var mediaType = (semicolon < 0 ? text : text[..semicolon]).Trim();
        MlflowBodyFormat format;
        if (mediaType.Equals(Json, StringComparison.OrdinalIgnoreCase))
        {
            format = MlflowBodyFormat.Json;
        }
        else if (mediaType.Equals(Csv, StringComparison.OrdinalIgnoreCase))
        {
            format = MlflowBodyFormat.Csv;
        }
        else
        {
            throw MlflowRequestException.UnsupportedMediaType(
                $"This predictor only supports the following content types: {Csv}, {Json}. Got '{CallerText.Cut(contentType)}'.");
        }

        if (semicolon >= 0)
        {
            CheckParameters(text[(semicolon + 1)..], contentType!);
        }

        return format;
    }

    private static void CheckParameters(ReadOnlySpan<char> parameters, string contentType)
    {
        while (!parameters.IsEmpty)
        {
            var end = parameters.IndexOf(';');
            var parameter = (end < 0 ? parameters : parameters[..end]).Trim();
            parameters = end < 0 ? [] : parameters[(end + 1)..];
            if (parameter.IsEmpty)
            {
                continue;
            }

            var equals = parameter.IndexOf('=');
            var name = (equals < 0 ? parameter : parameter[..equals]).Trim();
            var value = equals < 0 ? [] : parameter[(equals + 1)..].Trim().Trim('"');

            // MLflow 2 dropped the 1.x "format=pandas-split" style parameters; it refuses them rather than
            // guess, so a caller never gets an answer computed from a misread body.
            if (!name.Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                throw MlflowRequestException.UnsupportedMediaType(
                    $"Unrecognized content type parameter '{CallerText.Cut(name.ToString())}' in '{CallerText.Cut(contentType)}'. Only 'charset' is accepted; " +
                    "the body format is chosen by its top-level key (dataframe_split, dataframe_records, instances, inputs).");
            }

            if (!value.Equals("utf-8", StringComparison.OrdinalIgnoreCase) &&
                !value.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            {
                throw MlflowRequestException.UnsupportedMediaType(
                    $"The scoring server only supports UTF-8; got charset '{CallerText.Cut(value.ToString())}'.");
            }
        }
    }
}
