using Serving.Core.Contracts;

namespace Serving.Core.Inference;

/// <summary>
/// The bound on names a request carries (model, input, output): no served name is longer than
/// <c>Serving:Limits:MaxNameLength</c>, so a longer one is refused as such (400, naming the key) before any lookup,
/// instead of being looked up, echoed and counted like a name that could exist.
/// </summary>
public static class RequestNames
{
    /// <summary>The setting, as error messages name it.</summary>
    public const string LengthKey = RequestLimits.SectionName + ":" + nameof(RequestLimits.MaxNameLength);

    /// <summary>Throws a bad-request error when <paramref name="name"/> is longer than the limit.</summary>
    /// <param name="what">What the name names, as the message says it ("model", "input", "output").</param>
    public static void Check(string what, string name, RequestLimits limits)
    {
        if (name.Length > limits.MaxNameLength)
        {
            throw InferenceException.BadRequest(
                $"{what} name '{CallerText.Cut(name)}' is {name.Length} characters; names are at most {limits.MaxNameLength} ({LengthKey})");
        }
    }

    /// <summary>Checks the input names and the requested output names of a request.</summary>
    public static void CheckTensors(InferenceRequest request, RequestLimits limits)
    {
        // Indexed, not foreach: an enumerator over an IReadOnlyList is an allocation per request.
        var inputs = request.Inputs;
        for (var i = 0; i < inputs.Count; i++)
        {
            Check("input", inputs[i].Name, limits);
        }

        if (request.RequestedOutputs is { } outputs)
        {
            for (var i = 0; i < outputs.Count; i++)
            {
                Check("output", outputs[i], limits);
            }
        }
    }
}
