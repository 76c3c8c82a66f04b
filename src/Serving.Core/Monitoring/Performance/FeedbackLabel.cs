using System.Globalization;
using Serving.Core.Contracts;

namespace Serving.Core.Monitoring.Performance;

/// <summary>A label as the caller sent it (a number, true/false, or text), before it is matched to its model's task.</summary>
public readonly record struct FeedbackLabel
{
    private FeedbackLabel(FeedbackLabelKind kind, double number, string? text)
    {
        Kind = kind;
        Number = number;
        Text = text;
    }

    public FeedbackLabelKind Kind { get; }

    public double Number { get; }

    /// <summary>The text of a text label, or a description of what was sent for an unusable one.</summary>
    public string? Text { get; }

    public static FeedbackLabel OfNumber(double value) => new(FeedbackLabelKind.Number, value, null);

    public static FeedbackLabel OfBoolean(bool value) => new(FeedbackLabelKind.Boolean, value ? 1 : 0, null);

    public static FeedbackLabel OfText(string value) => new(FeedbackLabelKind.Text, 0, value);

    /// <summary>Something that can never be a label (null, an object); <paramref name="what"/> says what it was.</summary>
    public static FeedbackLabel Unusable(string what) => new(FeedbackLabelKind.Unusable, 0, what);

    public override string ToString() => Kind switch
    {
        FeedbackLabelKind.Number => Number.ToString("R", CultureInfo.InvariantCulture),
        FeedbackLabelKind.Boolean => Number == 1 ? "true" : "false",
        // The caller's text, as an error message repeats it: cut short.
        FeedbackLabelKind.Text => $"\"{CallerText.Cut(Text)}\"",
        _ => Text ?? "nothing",
    };
}
