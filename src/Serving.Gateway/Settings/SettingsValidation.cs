using Microsoft.Extensions.Options;

namespace Serving.Gateway.Settings;

/// <summary>Start-up validation whose every message names the full configuration key, the value and what is allowed.</summary>
internal static class SettingsValidation
{
    /// <summary>Checks the options' validation attributes, naming keys under <paramref name="section"/> (or as <paramref name="keys"/> maps a property).</summary>
    public static OptionsBuilder<TOptions> ValidateSettings<TOptions>(this OptionsBuilder<TOptions> builder, string section, IReadOnlyDictionary<string, string>? keys = null)
        where TOptions : class
    {
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(new AnnotatedSettingsValidator<TOptions>(section, keys));
        return builder.ValidateOnStart();
    }

    /// <summary>Fails start-up with every problem <paramref name="problems"/> names (each already a full sentence with its key).</summary>
    public static OptionsBuilder<TOptions> ValidateSettings<TOptions>(this OptionsBuilder<TOptions> builder, Func<TOptions, IEnumerable<string>> problems)
        where TOptions : class
    {
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(new ProblemsValidator<TOptions>(builder.Name, problems));
        return builder.ValidateOnStart();
    }

    private sealed class ProblemsValidator<TOptions>(string name, Func<TOptions, IEnumerable<string>> problems) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? optionsName, TOptions options)
        {
            // Named options (one per model) each check only their own instance.
            if (optionsName != name)
            {
                return ValidateOptionsResult.Skip;
            }

            var found = problems(options).ToList();
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
        }
    }
}
