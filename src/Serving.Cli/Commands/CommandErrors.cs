using Serving.Core.Packaging;

namespace Serving.Cli.Commands;

/// <summary>Turns the failures a person can fix into one red line and exit code 1, instead of a stack trace.</summary>
internal static class CommandErrors
{
    public static async Task<int> Guard(CliOutput output, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PackagingException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            output.Error(ex.Message);
            return 1;
        }
    }
}
