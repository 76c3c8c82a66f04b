using System.CommandLine;
using System.Text.RegularExpressions;

namespace Serving.Cli.Tests.Docs;

/// <summary>
/// Checks a <c>serving ...</c> command line as the docs show it against the CLI's real command tree: each word
/// that names a command must be a sub-command of the one before it, and every option must belong to the command
/// named (or be a recursive option of one above it, as <c>--help</c>). Doc notation is understood: <c>[...]</c>
/// marks optional parts, <c>a|b|c</c> alternatives (each is checked), <c>...</c> and <c>&lt;placeholders&gt;</c>
/// stand for arguments.
/// </summary>
internal static partial class CliCommandLines
{
    /// <summary>The arguments of every CLI invocation in a piece of code: <c>serving ...</c> or <c>dotnet run --project src/Serving.Cli -- ...</c>.</summary>
    public static IEnumerable<string> Invocations(string code)
    {
        var text = code.Split(" #")[0];
        return Invocation().Matches(text).Select(m => m.Groups["args"].Value.Trim()).Where(a => a.Length > 0);
    }

    /// <summary>Problems with one invocation's arguments; empty when it names an existing command with existing options.</summary>
    public static IReadOnlyList<string> Check(Command root, string arguments)
    {
        var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .TakeWhile(w => w != "|")
            .Select(w => w.Trim('[', ']'))
            .Where(w => w.Length > 0 && w != "...")
            .ToList();
        var problems = new List<string>();
        Walk([root], words, 0, argumentsTaken: 0, problems);
        return problems;
    }

    private static void Walk(List<Command> path, List<string> words, int index, int argumentsTaken, List<string> problems)
    {
        var command = path[^1];
        var name = string.Join(' ', path.Skip(1).Select(c => c.Name).Prepend("serving"));
        for (var i = index; i < words.Count; i++)
        {
            var word = words[i];
            if (word.StartsWith('-'))
            {
                var optionName = word.Split('=')[0];
                var option = FindOption(path, optionName);
                if (option is null)
                {
                    problems.Add($"'{name}' has no option {optionName}");
                    continue;
                }

                // An option that takes a value takes the next word, unless it came as --option=value.
                if (!word.Contains('=', StringComparison.Ordinal) && option.ValueType != typeof(bool) && option.Arity.MaximumNumberOfValues > 0 && i + 1 < words.Count)
                {
                    i++;
                }

                continue;
            }

            if (command.Subcommands.Count > 0 && argumentsTaken == 0)
            {
                var alternatives = word.Split('|');
                var found = alternatives.Select(a => command.Subcommands.FirstOrDefault(c => c.Name == a || c.Aliases.Contains(a))).ToList();
                if (found.All(c => c is not null))
                {
                    foreach (var sub in found)
                    {
                        Walk([.. path, sub!], words, i + 1, 0, problems);
                    }

                    return;
                }

                if (command.Arguments.Count == 0)
                {
                    problems.Add($"'{name}' has no command {string.Join(" or ", alternatives.Where((_, k) => found[k] is null))}");
                    return;
                }
            }

            if (argumentsTaken >= command.Arguments.Sum(a => a.Arity.MaximumNumberOfValues))
            {
                problems.Add($"'{name}' takes {command.Arguments.Count} argument(s), but the docs give it '{word}' as well");
                return;
            }

            argumentsTaken++;
        }
    }

    private static Option? FindOption(List<Command> path, string name)
    {
        for (var depth = path.Count - 1; depth >= 0; depth--)
        {
            var option = path[depth].Options.FirstOrDefault(o => o.Name == name || o.Aliases.Contains(name));
            if (option is not null && (depth == path.Count - 1 || option.Recursive))
            {
                return option;
            }
        }

        return null;
    }

    // "serving" as a command word (not serving_requests_total, serving:predictions:..., `serving` alone), or the
    // no-install form; the arguments run to the end of the shell command.
    [GeneratedRegex(@"(?:^|[\s;&(])(?:serving|dotnet run --project src/Serving\.Cli --)(?=\s|$)(?<args>[^;&()#`]*)")]
    private static partial Regex Invocation();
}
