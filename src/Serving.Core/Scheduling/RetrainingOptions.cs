namespace Serving.Core.Scheduling;

/// <summary>
/// Calendar retraining (<c>Serving:Retraining</c>): per model a cron expression; at each occurrence the gateway sends
/// <c>retrain.scheduled</c>. Occurrences while the gateway is down are not sent afterwards.
/// </summary>
public sealed class RetrainingOptions
{
    /// <summary>Cron expression per model (<c>Serving:Retraining:Schedules:&lt;model&gt;</c>): five fields, minute hour day-of-month month day-of-week.</summary>
    public Dictionary<string, string> Schedules { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Time zone the expressions are read in (an IANA id such as <c>Europe/Paris</c>); UTC when empty.</summary>
    public string TimeZone { get; set; } = string.Empty;

    /// <summary>Configuration problems, one message each naming its key; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!RetrainSchedule.TryFindZone(TimeZone, out _))
        {
            problems.Add($"Serving:Retraining:TimeZone is '{TimeZone}'; use a time zone id such as 'UTC' or 'Europe/Paris', or leave it empty for UTC");
        }

        foreach (var (model, cron) in Schedules)
        {
            if (RetrainSchedule.ProblemWith(cron) is { } problem)
            {
                problems.Add($"Serving:Retraining:Schedules:{model} is '{cron}'; {problem}");
            }
        }

        return problems;
    }

    /// <summary>The parsed schedules, by model name; call only on validated options.</summary>
    public IReadOnlyList<RetrainSchedule> Parse()
    {
        RetrainSchedule.TryFindZone(TimeZone, out var zone);
        return [.. Schedules.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => RetrainSchedule.Parse(s.Key, s.Value, zone!))];
    }
}
