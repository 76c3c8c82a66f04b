namespace Serving.Core.Inference;

/// <summary>How NaN and infinities are written, since JSON has no literal for them.</summary>
public enum NonFiniteJson
{
    /// <summary>As null: strict JSON, what OIP clients parse.</summary>
    Null,

    /// <summary>As bare NaN / Infinity / -Infinity, as Python's json module (and so MLflow) writes them.</summary>
    Literal,
}
