namespace Serving.Core.Monitoring.Performance;

/// <summary>What kind of JSON value a feedback label was.</summary>
public enum FeedbackLabelKind
{
    Number,
    Boolean,
    Text,
    Unusable,
}
