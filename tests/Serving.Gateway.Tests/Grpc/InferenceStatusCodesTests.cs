using Grpc.Core;
using Serving.Core.Contracts;
using Serving.Gateway.Grpc;

namespace Serving.Gateway.Tests.Grpc;

public sealed class InferenceStatusCodesTests
{
    [Theory]
    [InlineData(InferenceErrorKind.BadRequest, StatusCode.InvalidArgument)]
    [InlineData(InferenceErrorKind.NotFound, StatusCode.NotFound)]
    [InlineData(InferenceErrorKind.Unavailable, StatusCode.Unavailable)]
    [InlineData(InferenceErrorKind.PayloadTooLarge, StatusCode.ResourceExhausted)]
    [InlineData(InferenceErrorKind.Internal, StatusCode.Internal)]
    public void Each_failure_kind_has_its_status_code(InferenceErrorKind kind, StatusCode expected)
    {
        Assert.Equal(expected, InferenceStatusCodes.ToStatusCode(kind));
    }

    [Fact]
    public void The_rpc_exception_keeps_the_message()
    {
        var exception = InferenceStatusCodes.ToRpcException(InferenceException.NotFound("model 'x' is not known"), maxMessageLength: 1024);

        Assert.Equal("model 'x' is not known", exception.Status.Detail);
    }

    [Fact]
    public void A_message_past_the_configured_length_is_cut_with_a_marker()
    {
        var message = new string('m', 500);

        var exception = InferenceStatusCodes.ToRpcException(InferenceException.BadRequest(message), maxMessageLength: 200);

        Assert.Equal(new string('m', 200) + "...(300 more characters)", exception.Status.Detail);
    }
}
