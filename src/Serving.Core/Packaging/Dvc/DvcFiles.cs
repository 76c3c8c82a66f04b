using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Serving.Core.Packaging.Dvc;

/// <summary>
/// Reads and writes <c>.dvc</c> files (YAML) that track one file: <c>outs: - md5, size, hash: md5, path</c>, the
/// fields in the order <c>dvc add</c> writes them. Folders (an md5 ending in <c>.dir</c>) and several outs are refused:
/// the retrainer's data is one CSV.
/// </summary>
public static partial class DvcFiles
{
    public const string Extension = ".dvc";

    /// <summary>Reads the one out of a <c>.dvc</c> file; throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public static DvcOut Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"cannot read the .dvc file '{path}': {ex.Message}", ex);
        }

        try
        {
            return Parse(text, path);
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{path} is not valid YAML: {ex.Message}", ex);
        }
    }

    /// <summary>Writes a <c>.dvc</c> file for one out, as DVC 3's <c>dvc add</c> would (with <c>hash: md5</c>).</summary>
    public static void Write(string path, DvcOut output) => File.WriteAllText(path, Format(output));

    /// <summary>The text of a <c>.dvc</c> file for one out.</summary>
    public static string Format(DvcOut output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var text = new StringBuilder("outs:\n");
        text.Append(CultureInfo.InvariantCulture, $"- md5: {output.Md5}\n");
        if (output.Size is { } size)
        {
            text.Append(CultureInfo.InvariantCulture, $"  size: {size}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"  hash: {output.Hash ?? "md5"}\n");
        text.Append(CultureInfo.InvariantCulture, $"  path: {Scalar(output.Path)}\n");
        return text.ToString();
    }

    private static DvcOut Parse(string text, string file)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidDataException($"{file} holds no outs; a .dvc file is a YAML mapping with 'outs: - md5: ..., size: ..., path: ...'");
        }

        if (!root.Children.TryGetValue(new YamlScalarNode("outs"), out var outsNode) || outsNode is not YamlSequenceNode outs || outs.Children.Count == 0)
        {
            throw new InvalidDataException($"{file} has no 'outs' list; a .dvc file names its data as 'outs: - md5: ..., size: ..., path: ...'");
        }

        if (outs.Children.Count > 1)
        {
            throw new InvalidDataException($"{file} tracks {outs.Children.Count} outs; the training data must be one file (one entry under outs)");
        }

        if (outs.Children[0] is not YamlMappingNode entry)
        {
            throw new InvalidDataException($"{file}: outs[0] is not a mapping of md5, size and path");
        }

        var md5 = Value(entry, "md5");
        var path = Value(entry, "path");
        var hash = Value(entry, "hash");
        var sizeText = Value(entry, "size");
        if (md5 is not null && md5.EndsWith(".dir", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{file} tracks a folder (md5 {md5}); the training data must be one CSV file");
        }

        if (!DvcMd5.IsWellFormed(md5))
        {
            throw new InvalidDataException($"{file}: outs[0].md5 is '{md5}'; expected 32 hex digits (other hashes, such as a cloud etag, cannot be checked here)");
        }

        if (string.IsNullOrWhiteSpace(path))
        {
            throw new InvalidDataException($"{file}: outs[0].path is missing");
        }

        if (hash is not null && hash != "md5")
        {
            throw new InvalidDataException($"{file}: outs[0].hash is '{hash}'; only md5 is understood");
        }

        long? size = null;
        if (sizeText is not null)
        {
            size = long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
                ? s
                : throw new InvalidDataException($"{file}: outs[0].size is '{sizeText}'; expected a whole number of bytes");
        }

        // wdir (rare: written by hand or old releases) moves the outs' paths relative to the .dvc file's folder.
        var wdir = root.Children.TryGetValue(new YamlScalarNode("wdir"), out var wdirNode) && wdirNode is YamlScalarNode { Value: { Length: > 0 } w } && w != "." ? w : null;
        return new DvcOut(md5!.ToLowerInvariant(), size, wdir is null ? path : $"{wdir.TrimEnd('/')}/{path}", hash);
    }

    private static string? Value(YamlMappingNode entry, string key) =>
        entry.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;

    // Paths of plain letters, digits and / . _ - stay bare; anything else is single-quoted as YAML allows.
    private static string Scalar(string value) =>
        PlainPath().IsMatch(value) ? value : $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";

    [GeneratedRegex("^[A-Za-z0-9_./][A-Za-z0-9_./-]*$")]
    private static partial Regex PlainPath();
}
