using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Serving.Gateway.Settings;

namespace Serving.Gateway.Hosting;

/// <summary>Why the gateway could not start, as its exit code: 2 for a bad setting, 3 for an address it cannot listen on.</summary>
internal enum StartupFailureKind
{
    Configuration = 2,
    Bind = 3,
}

/// <summary>
/// Turns the exceptions that mean "the operator must change something" into one line each: invalid options,
/// values that do not convert to their setting's type, and addresses Kestrel cannot bind. Null for anything else.
/// </summary>
internal sealed partial record StartupFailure(StartupFailureKind Kind, IReadOnlyList<string> Lines)
{
    private const string BindPrefix = "Failed to bind to address ";

    public static StartupFailure? From(Exception exception)
    {
        switch (exception)
        {
            case OptionsValidationException invalid:
                return new(StartupFailureKind.Configuration, [.. invalid.Failures.Select(OneLine)]);
            case AggregateException aggregate when aggregate.InnerExceptions.All(e => From(e)?.Kind == StartupFailureKind.Configuration):
                return new(StartupFailureKind.Configuration, [.. aggregate.InnerExceptions.SelectMany(e => From(e)!.Lines)]);
            case InvalidOperationException when Unconvertible(exception.Message) is { } line:
                return new(StartupFailureKind.Configuration, [line]);
            case IOException when exception.Message.StartsWith(BindPrefix, StringComparison.Ordinal):
                return new(StartupFailureKind.Bind, [CannotListen(exception)]);
            default:
                return null;
        }
    }

    /// <summary>The binder's "Failed to convert configuration value 'abc' at 'Serving:X' to type 'System.Double'." said as a setting problem.</summary>
    private static string? Unconvertible(string message)
    {
        var match = ConversionFailure().Match(message);
        if (!match.Success)
        {
            return null;
        }

        var allowed = SettingValues.Describe(match.Groups["type"].Value);
        return $"{match.Groups["key"].Value} is '{match.Groups["value"].Value}'; use {allowed}";
    }

    private static string CannotListen(Exception exception)
    {
        // "Failed to bind to address http://127.0.0.1:8080: address already in use." or "... address http://[::]:80."
        var rest = exception.Message[BindPrefix.Length..];
        var end = rest.IndexOf(' ', StringComparison.Ordinal);
        var address = (end < 0 ? rest : rest[..end]).TrimEnd('.', ':');
        var reason = (exception.InnerException?.Message ?? "the address cannot be used").TrimEnd('.');
        return $"cannot listen on {address}: {reason}; stop what uses it or choose another address (Kestrel:Endpoints:<name>:Url or --urls)";
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'\.", RegexOptions.Singleline)]
    private static partial Regex ConversionFailure();
}
