using Verification.Lens.Weights;
using Verification.Loading;
using Verification.Loading.Config;
using Verification.Tensors;

namespace Verification.Lens.T5;

/// <summary>One attention's projections, transposed from HF's [out, in] to [in, out] so x·W needs no transpose.</summary>
public sealed record T5AttentionWeights(float[] Wq, float[] Wk, float[] Wv, float[] Wo);

/// <summary>The feed-forward: Wi (ReLU) or Wi0 (gate) and Wi1 (linear) for gated-gelu; Wo. All [in, out].</summary>
public sealed record T5FeedForwardWeights(float[] Wi0, float[]? Wi1, float[] Wo);

public sealed record T5BlockWeights(float[] Ln1, T5AttentionWeights SelfAttn, float[]? Ln2Cross, T5AttentionWeights? CrossAttn, float[] LnFf, T5FeedForwardWeights Ff);

/// <summary>
/// T5ForConditionalGeneration's weights under their Hugging Face names. Tied models may store the shared embedding
/// again as encoder/decoder.embed_tokens.weight or lm_head.weight, or leave them out; untied ones need lm_head.weight.
/// </summary>
public sealed record T5Weights(
    float[] Shared,                 // [vocab, d_model]
    float[] EncoderRelativeBias,    // [num_buckets, heads]
    float[] DecoderRelativeBias,
    T5BlockWeights[] Encoder,
    T5BlockWeights[] Decoder,
    float[] EncoderFinalLn,
    float[] DecoderFinalLn,
    float[] LmHead)                 // [d_model, vocab] (the transposed shared embedding when tied)
{
    public static T5Weights FromStateDict(StateDict dict, T5Config c)
    {
        var r = new WeightReader(dict);
        int d = c.DModel, inner = c.InnerDim, v = c.VocabSize;
        var shared = r.Take("shared.weight", v, d);
        foreach (var alias in new[] { "encoder.embed_tokens.weight", "decoder.embed_tokens.weight" })
            if (r.Has(alias)) RequireSame(dict.SourcePath, alias, r.Take(alias, v, d), shared);
        T5AttentionWeights Attn(string p) => new(
            Transpose(r.Take(p + ".q.weight", inner, d)), Transpose(r.Take(p + ".k.weight", inner, d)),
            Transpose(r.Take(p + ".v.weight", inner, d)), Transpose(r.Take(p + ".o.weight", d, inner)));
        T5FeedForwardWeights Ff(string p) => c.IsGatedAct
            ? new(Transpose(r.Take(p + ".DenseReluDense.wi_0.weight", c.DFf, d)), Transpose(r.Take(p + ".DenseReluDense.wi_1.weight", c.DFf, d)),
                  Transpose(r.Take(p + ".DenseReluDense.wo.weight", d, c.DFf)))
            : new(Transpose(r.Take(p + ".DenseReluDense.wi.weight", c.DFf, d)), null, Transpose(r.Take(p + ".DenseReluDense.wo.weight", d, c.DFf)));
        float[] Ln(string name) => r.Take(name, d).Data;

        var encoder = new T5BlockWeights[c.NumLayers];
        for (int l = 0; l < c.NumLayers; l++)
        {
            string p = $"encoder.block.{l}.layer";
            encoder[l] = new(Ln(p + ".0.layer_norm.weight"), Attn(p + ".0.SelfAttention"), null, null, Ln(p + ".1.layer_norm.weight"), Ff(p + ".1"));
        }
        var decoder = new T5BlockWeights[c.NumDecoderLayers];
        for (int l = 0; l < c.NumDecoderLayers; l++)
        {
            string p = $"decoder.block.{l}.layer";
            decoder[l] = new(Ln(p + ".0.layer_norm.weight"), Attn(p + ".0.SelfAttention"), Ln(p + ".1.layer_norm.weight"), Attn(p + ".1.EncDecAttention"),
                             Ln(p + ".2.layer_norm.weight"), Ff(p + ".2"));
        }
        int nb = c.RelativeAttentionNumBuckets;
        var encBias = r.Take("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", nb, c.NumHeads).Data;
        var decBias = r.Take("decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", nb, c.NumHeads).Data;
        float[] lmHead;
        if (c.TieWordEmbeddings)
        {
            if (r.Has("lm_head.weight")) RequireSame(dict.SourcePath, "lm_head.weight", r.Take("lm_head.weight", v, d), shared);
            lmHead = Transpose(shared);
        }
        else
        {
            lmHead = Transpose(r.Take("lm_head.weight", v, d));
        }
        var w = new T5Weights(shared.Data, encBias, decBias, encoder, decoder, Ln("encoder.final_layer_norm.weight"), Ln("decoder.final_layer_norm.weight"), lmHead);
        var unused = r.Unused.ToList();
        if (unused.Count > 0)
            throw new ModelFormatException(dict.SourcePath, $"unexpected T5 weight '{unused[0]}'{(unused.Count > 1 ? $" (and {unused.Count - 1} more)" : "")}: the config does not account for it");
        return w;
    }

    private static void RequireSame(string path, string name, Tensor t, Tensor shared)
    {
        if (!t.Data.AsSpan().SequenceEqual(shared.Data))
            throw new ModelFormatException(path, $"'{name}' differs from shared.weight, but the config ties the embeddings");
    }

    private static float[] Transpose(Tensor t) // [out, in] → [in, out]
    {
        int o = t.Shape[0], n = t.Shape[1];
        var y = new float[t.Length];
        for (int i = 0; i < o; i++)
            for (int j = 0; j < n; j++) y[j * o + i] = t.Data[i * n + j];
        return y;
    }
}
