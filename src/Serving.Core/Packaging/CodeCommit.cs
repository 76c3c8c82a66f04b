using System.Diagnostics;

namespace Serving.Core.Packaging;

/// <summary>Finds the git commit of the code that produced a model, for lineage.</summary>
public static class CodeCommit
{
    /// <summary>The output of <c>git rev-parse HEAD</c> in a folder, or null when git or a repository is absent.</summary>
    public static string? TryRead(string directory)
    {
        try
        {
            var start = new ProcessStartInfo("git", ["rev-parse", "HEAD"])
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd().Trim();
            process.StandardError.ReadToEnd();
            return process.WaitForExit(10_000) && process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
