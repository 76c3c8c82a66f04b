using Cronos;

namespace Serving.Core.Scheduling;

/// <summary>One model's retraining schedule: its cron expression (five fields) read in a time zone.</summary>
public sealed class RetrainSchedule
{
    private readonly CronExpression _expression;

    private RetrainSchedule(string model, string cron, CronExpression expression, TimeZoneInfo zone)
    {
        Model = model;
        Cron = cron;
        _expression = expression;
        Zone = zone;
    }

    public string Model { get; }

    /// <summary>The expression as configured.</summary>
    public string Cron { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>Parses a schedule; throws <see cref="ArgumentException"/> naming the problem when the expression is not valid.</summary>
    public static RetrainSchedule Parse(string model, string cron, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(cron);
        try
        {
            return new RetrainSchedule(model, cron, CronExpression.Parse(cron.Trim(), CronFormat.Standard), zone);
        }
        catch (CronFormatException ex)
        {
            throw new ArgumentException($"'{cron}' is not a cron expression: {ex.Message}", nameof(cron), ex);
        }
    }

    /// <summary>What is wrong with an expression, as the end of a configuration message; null when it is valid.</summary>
    public static string? ProblemWith(string? cron)
    {
        const string Use = "use five cron fields (minute hour day-of-month month day-of-week), such as '0 3 * * 1' for Mondays at 03:00";
        var fields = (cron ?? string.Empty).Split(' ', '\t').Count(f => f.Length > 0);
        if (fields != 5)
        {
            return $"{Use}; it has {fields}";
        }

        try
        {
            CronExpression.Parse(cron!.Trim(), CronFormat.Standard);
            return null;
        }
        catch (CronFormatException ex)
        {
            // Cronos says which field is wrong ("Minutes: Value of 61 is out of range").
            return $"{Use}; {ex.Message.Replace("The given cron expression has an invalid format. ", string.Empty, StringComparison.Ordinal).TrimEnd('.')}";
        }
    }

    /// <summary>The time zone named by <paramref name="id"/>, UTC when it is empty; false when the system does not know it.</summary>
    public static bool TryFindZone(string? id, out TimeZoneInfo? zone)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            zone = TimeZoneInfo.Utc;
            return true;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out zone);
    }

    /// <summary>The first occurrence after <paramref name="after"/>; null when there is none (an expression such as 30 February).</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after) =>
        _expression.GetNextOccurrence(after, Zone, inclusive: false);

    /// <summary>The latest occurrence in (<paramref name="after"/>, <paramref name="upTo"/>]; null when none falls there.</summary>
    public DateTimeOffset? LatestIn(DateTimeOffset after, DateTimeOffset upTo)
    {
        DateTimeOffset? latest = null;
        foreach (var occurrence in _expression.GetOccurrences(after, upTo, Zone, fromInclusive: false, toInclusive: true))
        {
            latest = occurrence;
        }

        return latest;
    }
}
