using System.CommandLine;

namespace Serving.Cli.Commands;

/// <summary>
/// A check of an option's value beyond its type, as a validator. System.CommandLine runs an option's validators even when
/// its token did not convert (it records "Cannot parse argument ..." only afterwards), and reading the value then throws
/// out of the parser and aborts the process; so the check runs only on a value that converted, and a token that did not
/// is left to the parser's own usage error (exit code 2).
/// </summary>
internal static class OptionChecks
{
    /// <summary>Adds <paramref name="message"/> as a usage error when the option's converted value fails <paramref name="isValid"/>.</summary>
    public static void Require<T>(this Option<T> option, Func<T, bool> isValid, string message) => option.Validators.Add(result =>
    {
        T? value;
        try
        {
            value = result.GetValueOrDefault<T>();
        }
        catch (InvalidOperationException)
        {
            // The token did not convert; the parser reports it.
            return;
        }

        if (!isValid(value!))
        {
            result.AddError(message);
        }
    });
}
