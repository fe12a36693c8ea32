namespace Verification.Lens.T5;

/// <summary>HookedEncoderDecoder's hook names: "encoder.{i}..." and "decoder.{i}...", plus the two final norms.</summary>
public static class T5HookNames
{
    public const string EncoderFinalLnScale = "encoder_final_ln.hook_scale";
    public const string EncoderFinalLnNormalized = "encoder_final_ln.hook_normalized";
    public const string DecoderFinalLnScale = "decoder_final_ln.hook_scale";
    public const string DecoderFinalLnNormalized = "decoder_final_ln.hook_normalized";

    public static string Block(string stack, int layer) => $"{stack}.{layer}";
    public static string ResidPre(string stack, int l) => $"{stack}.{l}.hook_resid_pre";
    public static string ResidMid(string stack, int l) => $"{stack}.{l}.hook_resid_mid";
    public static string ResidMidCross(int l) => $"decoder.{l}.hook_resid_mid_cross";
    public static string ResidPost(string stack, int l) => $"{stack}.{l}.hook_resid_post";
    public static string AttnOut(string stack, int l) => $"{stack}.{l}.hook_attn_out";
    public static string CrossAttnOut(int l) => $"decoder.{l}.hook_cross_attn_out";
    public static string MlpOut(string stack, int l) => $"{stack}.{l}.hook_mlp_out";
    /// <summary>attn or cross_attn hook: "encoder.0.attn.hook_pattern".</summary>
    public static string Attn(string stack, int l, string attn, string hook) => $"{stack}.{l}.{attn}.{hook}";
    public static string Pattern(string stack, int l, bool cross = false) => Attn(stack, l, cross ? "cross_attn" : "attn", "hook_pattern");

    public static readonly string[] AttnHooks = { "hook_q", "hook_k", "hook_v", "hook_attn_scores", "hook_pattern", "hook_z", "hook_result" };

    /// <summary>Every hook name of a T5 with these stack depths, in forward order (gated: mlp.hook_pre_linear too).</summary>
    public static IReadOnlyList<string> All(int encoderLayers, int decoderLayers, bool gated)
    {
        var names = new List<string>();
        void Norm(string p) { names.Add(p + ".hook_scale"); names.Add(p + ".hook_normalized"); }
        void Mlp(string p)
        {
            names.Add(p + ".mlp.hook_pre");
            if (gated) names.Add(p + ".mlp.hook_pre_linear");
            names.Add(p + ".mlp.hook_post");
        }
        for (int l = 0; l < encoderLayers; l++)
        {
            string p = $"encoder.{l}";
            names.Add(p + ".hook_resid_pre"); Norm(p + ".ln1");
            names.AddRange(AttnHooks.Select(h => $"{p}.attn.{h}")); names.Add(p + ".hook_attn_out");
            names.Add(p + ".hook_resid_mid"); Norm(p + ".ln2"); Mlp(p); names.Add(p + ".hook_mlp_out");
            names.Add(p + ".hook_resid_post");
        }
        names.Add(EncoderFinalLnScale); names.Add(EncoderFinalLnNormalized);
        for (int l = 0; l < decoderLayers; l++)
        {
            string p = $"decoder.{l}";
            names.Add(p + ".hook_resid_pre"); Norm(p + ".ln1");
            names.AddRange(AttnHooks.Select(h => $"{p}.attn.{h}")); names.Add(p + ".hook_attn_out");
            names.Add(p + ".hook_resid_mid"); Norm(p + ".ln2");
            names.AddRange(AttnHooks.Select(h => $"{p}.cross_attn.{h}")); names.Add(p + ".hook_cross_attn_out");
            names.Add(p + ".hook_resid_mid_cross"); Norm(p + ".ln3"); Mlp(p); names.Add(p + ".hook_mlp_out");
            names.Add(p + ".hook_resid_post");
        }
        names.Add(DecoderFinalLnScale); names.Add(DecoderFinalLnNormalized);
        return names;
    }
}
