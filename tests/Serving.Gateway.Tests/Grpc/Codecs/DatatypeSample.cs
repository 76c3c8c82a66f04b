using Serving.Gateway.Grpc.Protocol;

namespace Serving.Gateway.Tests.Grpc.Codecs;

/// <summary>One datatype's values written both ways: typed wire contents and the canonical little-endian bytes.</summary>
/// <param name="Datatype">OIP datatype name.</param>
/// <param name="Shape">Shape of the sample tensor.</param>
/// <param name="Typed">The typed contents a client sends; null for types that travel raw only.</param>
/// <param name="Raw">The raw blob: canonical bytes, or length-prefixed elements for BYTES.</param>
internal sealed record DatatypeSample(string Datatype, long[] Shape, InferTensorContents? Typed, byte[] Raw);
