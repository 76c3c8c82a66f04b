using System.Text;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>Formatting shared by error messages.</summary>
internal static class MlflowMessages
{
    /// <summary>
    /// Names as a Python list literal, <c>['a', 'b']</c>: MLflow's messages print lists that way and callers
    /// that migrated may match on them.
    /// </summary>
    public static string NameList(IEnumerable<string> names)
    {
        var text = new StringBuilder("[");
        foreach (var name in names)
        {
            if (text.Length > 1)
            {
                text.Append(", ");
            }

            // Python's repr picks double quotes for a string that holds a single quote and no double quote.
            if (name.Contains('\'', StringComparison.Ordinal) && !name.Contains('"', StringComparison.Ordinal))
            {
                text.Append('"').Append(name).Append('"');
            }
            else
            {
                text.Append('\'').Append(name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)).Append('\'');
            }
        }

        return text.Append(']').ToString();
    }
}
