namespace Serving.Gateway.Settings;

/// <summary>What a setting of a given type accepts, in words, for start-up errors ("a whole number", "true or false").</summary>
internal static class SettingValues
{
    public static string Describe(string typeName)
    {
        var type = Find(typeName);
        if (type is null)
        {
            return $"a value of type {typeName}";
        }

        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return $"one of {string.Join(", ", Enum.GetNames(type))}";
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "true or false",
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32
                or TypeCode.Int64 or TypeCode.UInt64 => "a whole number",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
            _ when type == typeof(TimeSpan) => "a duration such as 00:00:30",
            _ when type == typeof(Uri) => "a URL",
            _ => $"a value of type {type.Name}",
        };
    }

    /// <summary>The binder names types by full name only; ours live in the gateway's assemblies, the rest in the runtime's.</summary>
    private static Type? Find(string typeName) =>
        Type.GetType(typeName) ?? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName)).FirstOrDefault(t => t is not null);
}
