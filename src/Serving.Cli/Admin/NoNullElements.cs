using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serving.Cli.Admin;

/// <summary>
/// Reads every <see cref="IReadOnlyList{T}"/> in an admin answer and refuses a <c>null</c> element: the nullable
/// annotations System.Text.Json can enforce stop at properties, and the renderers would otherwise meet the null.
/// </summary>
internal sealed class NoNullElements : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(IReadOnlyList<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(ListConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class ListConverter<T> : JsonConverter<IReadOnlyList<T>>
    {
        public override IReadOnlyList<T>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            // List<T> is not IReadOnlyList<T> as a type to convert, so this does not come back here.
            var items = JsonSerializer.Deserialize<List<T>>(ref reader, options);
            return items is not null && items.Exists(item => item is null)
                ? throw new JsonException("a list in the answer holds a null element")
                : items;
        }

        public override void Write(Utf8JsonWriter writer, IReadOnlyList<T> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize<IEnumerable<T>>(writer, value, options);
    }
}
