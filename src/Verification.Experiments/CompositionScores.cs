using Verification.Lens.Weights;

namespace Verification.Experiments;

/// <summary>Which input of the later head reads the earlier head's output.</summary>
public enum CompositionKind { Q, K, V }

/// <summary>
/// TransformerLens's composition scores (HookedTransformer.all_composition_scores): left = the earlier head's OV circuit
/// (W_V·W_O), right = the later head's QK (Q-composition), QKᵀ (K-composition) or OV (V-composition), and
/// score = ‖left·right‖_F / (‖left‖_F ‖right‖_F). K-composition is ‖W_OV¹ · W_K² · W_Q²ᵀ‖: the earlier head's output read on
/// the key side. Computed on the weights as loaded (TransformerLens's default processing), in factored form.
/// </summary>
public static class CompositionScores
{
    public static double Score(TransformerWeights w, HeadRef earlier, HeadRef later, CompositionKind kind)
    {
        if (earlier.Layer >= later.Layer) throw new ArgumentException($"{earlier} is not before {later}: composition needs an earlier layer");
        return FactoredMatrix.CompositionScore(HeadCircuits.OV(w, earlier), Right(w, later, kind));
    }

    /// <summary>Scores [source head index, destination head] from every head in <paramref name="sources"/> into every head of one layer.</summary>
    public static double[,] Matrix(TransformerWeights w, IReadOnlyList<HeadRef> sources, int destinationLayer, int heads, CompositionKind kind)
    {
        var left = sources.Select(s => s.Layer < destinationLayer ? HeadCircuits.OV(w, s)
            : throw new ArgumentException($"{s} is not before layer {destinationLayer}")).ToArray();
        var scores = new double[sources.Count, heads];
        for (int h = 0; h < heads; h++)
        {
            var right = Right(w, new HeadRef(destinationLayer, h), kind);
            for (int s = 0; s < sources.Count; s++) scores[s, h] = FactoredMatrix.CompositionScore(left[s], right);
        }
        return scores;
    }

    private static FactoredMatrix Right(TransformerWeights w, HeadRef later, CompositionKind kind) => kind switch
    {
        CompositionKind.Q => HeadCircuits.QK(w, later),
        CompositionKind.K => HeadCircuits.QK(w, later).Transpose(),
        CompositionKind.V => HeadCircuits.OV(w, later),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
