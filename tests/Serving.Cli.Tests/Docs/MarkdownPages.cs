using System.Text.RegularExpressions;

namespace Serving.Cli.Tests.Docs;

/// <summary>A piece of code shown in a Markdown page (an inline span or one line of a fenced block), with where it is.</summary>
internal sealed record MarkdownCode(string Text, string Where);

/// <summary>A relative link in a Markdown page: the file it points to (null for the page itself) and its anchor.</summary>
internal sealed record MarkdownLink(string Page, string? Target, string? Anchor, string Where);

/// <summary>README.md and every page under docs/, read as a reader sees them: code, headings and links.</summary>
internal static partial class MarkdownPages
{
    /// <summary>README.md, the load tests' README and docs/*.md, relative to the repository root.</summary>
    public static IReadOnlyList<string> All =>
        [
            "README.md",
            "loadtests/README.md",
            .. Directory.EnumerateFiles(RepositoryPaths.Of("docs"), "*.md")
                .Select(f => Path.GetRelativePath(RepositoryPaths.Root, f).Replace('\\', '/'))
                .Order(StringComparer.Ordinal),
        ];

    /// <summary>Inline code spans and fenced code lines (a trailing backslash joins the next line), in page order.</summary>
    public static IEnumerable<MarkdownCode> Code(string page)
    {
        var lines = File.ReadAllLines(RepositoryPaths.Of(page));
        var fenced = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var where = $"{page}:{i + 1}";
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }

            if (fenced)
            {
                var text = lines[i];
                while (text.EndsWith('\\') && i + 1 < lines.Length)
                {
                    text = text[..^1] + " " + lines[++i].Trim();
                }

                yield return new MarkdownCode(text, where);
                continue;
            }

            foreach (Match span in InlineCode().Matches(lines[i]))
            {
                yield return new MarkdownCode(span.Groups[1].Value, where);
            }
        }
    }

    /// <summary>The anchors GitHub makes for the page's headings.</summary>
    public static IReadOnlySet<string> Anchors(string page)
    {
        var fenced = false;
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(RepositoryPaths.Of(page)))
        {
            fenced ^= line.TrimStart().StartsWith("```", StringComparison.Ordinal);
            if (!fenced && Heading().Match(line) is { Success: true } heading)
            {
                anchors.Add(Slug(heading.Groups[1].Value));
            }
        }

        return anchors;
    }

    /// <summary>Links to other files of the repository or to anchors of the same page; web links are left out.</summary>
    public static IEnumerable<MarkdownLink> Links(string page)
    {
        var lines = File.ReadAllLines(RepositoryPaths.Of(page));
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (Match link in Link().Matches(lines[i]))
            {
                var href = link.Groups[1].Value;
                if (href.Contains("://", StringComparison.Ordinal) || href.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                var hash = href.IndexOf('#', StringComparison.Ordinal);
                var file = hash < 0 ? href : href[..hash];
                var anchor = hash < 0 ? null : href[(hash + 1)..];
                var target = file.Length == 0
                    ? null
                    : Path.GetRelativePath(RepositoryPaths.Root, Path.GetFullPath(Path.Combine(Path.GetDirectoryName(RepositoryPaths.Of(page))!, file))).Replace('\\', '/');
                yield return new MarkdownLink(page, target, anchor, $"{page}:{i + 1}");
            }
        }
    }

    /// <summary>GitHub's heading anchor: lower case, punctuation dropped (hyphens kept), spaces as hyphens.</summary>
    public static string Slug(string heading) =>
        new string(heading.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_').ToArray()).Replace(' ', '-');

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^#{1,6}\s+(.+?)\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();
}
