using System.Text;

namespace Serving.Gateway.Tests.Deploy;

/// <summary>
/// Turns an alert's condition into the signal it watches: every comparison gets PromQL's <c>bool</c> modifier, so
/// <c>x &gt; 0.05</c> returns 0 or 1 for every series of x instead of only the ones that breach. An alert whose
/// signal returns no data watches nothing (a misspelt metric or label), however healthy the system.
/// </summary>
internal static class PromQlSignal
{
    // Longest first, so ">=" is not read as ">" followed by "=".
    private static readonly string[] Comparisons = ["==", "!=", ">=", "<=", ">", "<"];

    public static string ComparisonsAsBool(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var text = new StringBuilder(expression.Length + 32);
        var braces = 0;
        char? quote = null;
        for (var i = 0; i < expression.Length; i++)
        {
            var c = expression[i];
            if (quote is { } open)
            {
                text.Append(c);
                if (c == '\\' && i + 1 < expression.Length)
                {
                    text.Append(expression[++i]);
                }
                else if (c == open)
                {
                    quote = null;
                }

                continue;
            }

            if (c is '"' or '\'' or '`')
            {
                quote = c;
            }
            else if (c == '{')
            {
                braces++;
            }
            else if (c == '}')
            {
                braces--;
            }
            else if (braces == 0 && Comparisons.FirstOrDefault(op => string.CompareOrdinal(expression, i, op, 0, op.Length) == 0) is { } comparison)
            {
                // Label matchers (=, !=, =~, !~) live inside braces; out here these are binary comparisons.
                text.Append(comparison);
                i += comparison.Length - 1;
                if (!BoolFollows(expression, i + 1))
                {
                    text.Append(" bool");
                }

                continue;
            }

            text.Append(c);
        }

        return text.ToString();
    }

    private static bool BoolFollows(string expression, int from)
    {
        var i = from;
        while (i < expression.Length && char.IsWhiteSpace(expression[i]))
        {
            i++;
        }

        return string.CompareOrdinal(expression, i, "bool", 0, 4) == 0
            && (i + 4 == expression.Length || !(char.IsLetterOrDigit(expression[i + 4]) || expression[i + 4] == '_'));
    }
}
