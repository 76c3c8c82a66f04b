using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace Serving.Gateway.Settings;

/// <summary>
/// Checks an options class's <c>[Range]</c> and <c>[Required]</c> attributes at start-up, and says each problem as
/// the operator wrote it: <c>Serving:Registry:SettleSeconds is '-1'; use a number from 0 to 3600</c>. (The stock
/// validator says "The field SettleSeconds must be between 0 and 3600", without the section or the value.)
/// </summary>
internal sealed class AnnotatedSettingsValidator<TOptions>(string section, IReadOnlyDictionary<string, string>? keys = null) : IValidateOptions<TOptions>
    where TOptions : class
{
    private static readonly PropertyInfo[] Checked = [.. typeof(TOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.GetCustomAttributes<ValidationAttribute>().Any())];

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        foreach (var property in Checked)
        {
            var value = property.GetValue(options);
            var key = keys?.GetValueOrDefault(property.Name) ?? $"{section}:{property.Name}";
            problems.AddRange(property.GetCustomAttributes<ValidationAttribute>()
                .Where(a => !a.IsValid(value))
                .Select(a => Problem(key, value, property.PropertyType, a)));
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static string Problem(string key, object? value, Type type, ValidationAttribute attribute) => attribute switch
    {
        RequiredAttribute => $"{key} is empty; set it",
        RangeAttribute range => $"{key} is '{Text(value)}'; use {Allowed(type, range)}",
        _ => $"{key} is '{Text(value)}'; {attribute.FormatErrorMessage(key)}",
    };

    private static string Allowed(Type type, RangeAttribute range)
    {
        var what = SettingValues.Describe(type.FullName!);
        // Ranges that stop only at the type's own limit read better as "at least".
        var unbounded = range.Maximum switch
        {
            int i => i == int.MaxValue,
            double d => d >= long.MaxValue,
            _ => false,
        };
        return unbounded ? $"{what} of at least {Text(range.Minimum)}" : $"{what} from {Text(range.Minimum)} to {Text(range.Maximum)}";
    }

    private static string Text(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
}
