namespace Verification.Lens.Hooks;

/// <summary>TransformerLens hook names, built rather than typed so a typo cannot silently hook nothing.</summary>
public static class HookNames
{
    public const string Embed = "hook_embed";
    public const string PosEmbed = "hook_pos_embed";
    public const string LnFinalScale = "ln_final.hook_scale";
    public const string LnFinalNormalized = "ln_final.hook_normalized";

    public static string ResidPre(int layer) => $"blocks.{layer}.hook_resid_pre";
    public static string ResidMid(int layer) => $"blocks.{layer}.hook_resid_mid";
    public static string ResidPost(int layer) => $"blocks.{layer}.hook_resid_post";
    public static string AttnOut(int layer) => $"blocks.{layer}.hook_attn_out";
    public static string MlpOut(int layer) => $"blocks.{layer}.hook_mlp_out";
    public static string Ln1Scale(int layer) => $"blocks.{layer}.ln1.hook_scale";
    public static string Ln1Normalized(int layer) => $"blocks.{layer}.ln1.hook_normalized";
    public static string Ln2Scale(int layer) => $"blocks.{layer}.ln2.hook_scale";
    public static string Ln2Normalized(int layer) => $"blocks.{layer}.ln2.hook_normalized";
    public static string Q(int layer) => $"blocks.{layer}.attn.hook_q";
    public static string K(int layer) => $"blocks.{layer}.attn.hook_k";
    public static string V(int layer) => $"blocks.{layer}.attn.hook_v";
    public static string AttnScores(int layer) => $"blocks.{layer}.attn.hook_attn_scores";
    public static string Pattern(int layer) => $"blocks.{layer}.attn.hook_pattern";
    public static string Z(int layer) => $"blocks.{layer}.attn.hook_z";
    public static string Result(int layer) => $"blocks.{layer}.attn.hook_result";
    public static string MlpPre(int layer) => $"blocks.{layer}.mlp.hook_pre";
    public static string MlpPost(int layer) => $"blocks.{layer}.mlp.hook_post";

    /// <summary>Every hook name a model of this shape has, in forward order.</summary>
    public static IReadOnlyList<string> All(int nLayers, bool attnOnly, bool hasNorm = true)
    {
        var names = new List<string> { Embed, PosEmbed };
        for (int l = 0; l < nLayers; l++)
        {
            names.Add(ResidPre(l));
            if (hasNorm) { names.Add(Ln1Scale(l)); names.Add(Ln1Normalized(l)); }
            names.AddRange(new[] { Q(l), K(l), V(l), AttnScores(l), Pattern(l), Z(l), Result(l), AttnOut(l) });
            if (!attnOnly)
            {
                names.Add(ResidMid(l));
                if (hasNorm) { names.Add(Ln2Scale(l)); names.Add(Ln2Normalized(l)); }
                names.AddRange(new[] { MlpPre(l), MlpPost(l), MlpOut(l) });
            }
            names.Add(ResidPost(l));
        }
        if (hasNorm) { names.Add(LnFinalScale); names.Add(LnFinalNormalized); }
        return names;
    }

    /// <summary>The layer a hook name belongs to ("blocks.3.attn.hook_z" → 3), or null for embeddings and ln_final.</summary>
    public static int? LayerOf(string name)
    {
        // "encoder.{i}." and "decoder.{i}." are the encoder-decoder's blocks.
        int start = name.StartsWith("blocks.", StringComparison.Ordinal) || name.StartsWith("encoder.", StringComparison.Ordinal)
            || name.StartsWith("decoder.", StringComparison.Ordinal) ? name.IndexOf('.') + 1 : -1;
        if (start < 0) return null;
        int dot = name.IndexOf('.', start);
        return dot > start && int.TryParse(name.AsSpan(start, dot - start), out int l) ? l : null;
    }
}
