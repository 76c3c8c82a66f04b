using System.Text;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Gateway.Rest.Mlflow;
using Serving.Gateway.Rest.Oip;
using Serving.Gateway.Tests.Rest.Mlflow;

namespace Serving.Gateway.Tests.Hostile;

/// <summary>
/// What fuzzing the decoders found (tests/Fuzz, AFL++ with SharpFuzz): strings that are not UTF-8 or hold a lone
/// surrogate escape made <c>Utf8JsonReader.GetString</c>, <c>JsonElement.GetString</c> and property names throw
/// <see cref="InvalidOperationException"/>, which no caller turns into a 4xx. A decoder must refuse such input with
/// the exceptions its caller documents: OIP <see cref="InferenceException"/> or <see cref="JsonException"/>; MLflow
/// <see cref="MlflowRequestException"/> or <see cref="InferenceException"/>. In each body below 0xFF stands where
/// <c>~</c> is written.
/// </summary>
public sealed class DecoderFuzzFindingsTests
{
    private const string Four = "\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[6.3,3.3,6.0,2.5]";

    [Theory]
    [InlineData("{\"id\":\"a~\",\"inputs\":[{\"name\":\"input\"," + Four + "}]}")] // the request id
    [InlineData("{\"id\":\"a\\ud800\",\"inputs\":[{\"name\":\"input\"," + Four + "}]}")]
    [InlineData("{\"inputs\":[{\"name\":\"in~\"," + Four + "}]}")] // an input name
    [InlineData("{\"inputs\":[{\"name\":\"in\\udc00\"," + Four + "}]}")]
    [InlineData("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP~\",\"data\":[1,2,3,4]}]}")] // a datatype
    [InlineData("{\"inputs\":[{\"name\":\"city\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"~\"]}]}")] // a BYTES element
    [InlineData("{\"inputs\":[{\"name\":\"city\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"\\ud83d\"]}]}")]
    [InlineData("{\"inputs\":[{\"name\":\"input\"," + Four + "}],\"outputs\":[{\"name\":\"label~\"}]}")] // an output name
    public void Oip_reader_refuses_strings_that_are_not_text_as_bad_requests(string body)
    {
        var exception = Record.Exception(() => OipJsonRequestReader.Read(Bytes(body), "iris", null));

        Assert.True(exception is null or InferenceException or JsonException, $"{body} threw {exception}");
    }

    [Theory]
    [InlineData("{\"dataframe_split\":{\"columns\":[\"a~\",\"b\",\"c\"],\"data\":[[1,2,3]]}}")] // a column (fast path)
    [InlineData("{\"dataframe_split\":{\"columns\":[\"a\",\"b\\ud800\",\"c\"],\"data\":[[1,2,3]]}}")]
    [InlineData("{\"dataframe_split\":{\"columns\":[\"a\",\"b\",\"c~\"],\"data\":[[1,2,3]],\"index\":[0]}}")] // a column (table reader)
    [InlineData("{\"a~\":1,\"b\":2}")] // the top-level keys listed in the message
    [InlineData("{\"dataframe_records\":[{\"a~\":1,\"b\":2,\"c\":3}]}")] // a record's key
    [InlineData("{\"dataframe_records\":[{\"a\":1,\"b\\udc00\":2,\"c\":3}]}")]
    [InlineData("{\"inputs\":{\"a~\":[1],\"b\":[2],\"c\":[3]}}")] // a dictionary's key
    [InlineData("{\"instances\":[{\"a\":1,\"b\":2,\"~\":3}]}")]
    public void Mlflow_json_decoder_refuses_names_that_are_not_text_as_bad_requests(string body)
    {
        var exception = Record.Exception(() => MlflowRequestDecoder.Decode(Bytes(body), "application/json", MlflowTestModels.Classifier()));

        Assert.True(exception is null or MlflowRequestException or InferenceException, $"{body} threw {exception}");
    }

    [Theory]
    [InlineData("{\"dataframe_split\":{\"columns\":[\"count\",\"ratio\",\"flag\",\"city\",\"small\"],\"data\":[[1,0.5,true,\"~\",3]]}}")] // a BYTES cell
    [InlineData("{\"dataframe_records\":[{\"count\":1,\"ratio\":0.5,\"flag\":true,\"city\":\"\\ud800\",\"small\":3}]}")]
    public void Mlflow_json_decoder_refuses_bytes_cells_that_are_not_text_as_bad_requests(string body)
    {
        var exception = Record.Exception(() => MlflowRequestDecoder.Decode(Bytes(body), "application/json", MlflowTestModels.Mixed()));

        Assert.True(exception is null or MlflowRequestException or InferenceException, $"{body} threw {exception}");
    }

    [Theory]
    [InlineData("a~,b,c\n1,2,3\n")]
    [InlineData("a,b,c\n1,~,3\n")]
    [InlineData("count,ratio,flag,city,small\n1,0.5,true,~,3\n")]
    public void Mlflow_csv_decoder_refuses_text_that_is_not_utf8_as_bad_requests(string body)
    {
        var model = body.StartsWith("count", StringComparison.Ordinal) ? MlflowTestModels.Mixed() : MlflowTestModels.Classifier();
        var exception = Record.Exception(() => MlflowRequestDecoder.Decode(Bytes(body), "text/csv", model));

        Assert.True(exception is null or MlflowRequestException or InferenceException, $"{body} threw {exception}");
    }

    private static byte[] Bytes(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'~')
            {
                bytes[i] = 0xFF;
            }
        }

        return bytes;
    }
}
