using System.Text.Json;
using System.Text.Json.Nodes;
using Verification.Loading.Safetensors;
using Verification.Loading.Torch;
using Verification.Tensors;

namespace Verification.Lens.StandIns;

/// <summary>How a stand-in tensor is filled: N(0, std), all ones (LayerNorm scales) or zeros (biases).</summary>
public enum StandInInit { Normal, Ones, Zeros }

/// <summary>One tensor of a stand-in's state dict: its real name, shape, and how it is filled.</summary>
public sealed record StandInTensor(string Name, int[] Shape, StandInInit Init, float Std = 0.02f);

/// <summary>
/// Writes a stand-in model: seeded random weights in the published model's own file format, tensor names and shapes
/// (GPT-2 small: Hugging Face model.safetensors + config.json + the GPT-2 tokenizer files; attn-only-2l: TransformerLens
/// model_final.pth + config.json), marked as a stand-in (see <see cref="StandInMarker"/>). Deterministic in the seed.
/// </summary>
public static class StandInWriter
{
    public static IReadOnlyList<StandInTensor> Tensors(StandInShape s) => s.IsGpt2 ? Gpt2(s) : AttnOnly(s);

    /// <summary>Writes the model into <paramref name="directory"/> (created if needed) and returns the files written.</summary>
    public static IReadOnlyList<string> Write(StandInShape shape, string directory, int seed, string? gpt2TokenizerDirectory = null)
    {
        if (shape.Problem() is { } problem) throw new ArgumentException(problem);
        Directory.CreateDirectory(directory);
        var specs = Tensors(shape);
        var tensors = specs.Select((t, i) => (t.Name, Fill(t, seed, i))).ToList();
        var written = new List<string>();
        string weights = Path.Combine(directory, shape.IsGpt2 ? "model.safetensors" : "model_final.pth");
        if (shape.IsGpt2)
            SafetensorsWriter.Write(weights, tensors, new Dictionary<string, string> { ["format"] = "pt", ["stand_in"] = shape.Model });
        else
            TorchCheckpointWriter.Write(weights, tensors, "model_final");
        written.Add(weights);

        string config = Path.Combine(directory, "config.json");
        File.WriteAllText(config, Config(shape, seed).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        written.Add(config);
        StandInMarker.Write(directory, shape.Model, seed);
        written.Add(Path.Combine(directory, StandInMarker.FileName));

        // The GPT-2 tokenizer only fits the real vocabulary; a smaller stand-in is driven by token ids.
        if (shape.IsGpt2 && shape.DVocab == 50257 && gpt2TokenizerDirectory != null)
            foreach (var f in new[] { "encoder.json", "vocab.bpe" })
            {
                var source = Path.Combine(gpt2TokenizerDirectory, f);
                if (!File.Exists(source)) throw new FileNotFoundException($"{source}: GPT-2 tokenizer file missing", source);
                File.Copy(source, Path.Combine(directory, f), overwrite: true);
                written.Add(Path.Combine(directory, f));
            }
        return written;
    }

    private static List<StandInTensor> Gpt2(StandInShape s)
    {
        int d = s.DModel;
        // GPT-2's own init: N(0, 0.02), residual projections scaled by 1/sqrt(2 x layers) so the stream stays O(1).
        float proj = 0.02f / MathF.Sqrt(2f * s.Layers);
        var list = new List<StandInTensor>
        {
            new("wte.weight", [s.DVocab, d], StandInInit.Normal),
            new("wpe.weight", [s.NCtx, d], StandInInit.Normal, 0.01f),
        };
        for (int l = 0; l < s.Layers; l++)
        {
            string p = $"h.{l}.";
            list.Add(new(p + "ln_1.weight", [d], StandInInit.Ones));
            list.Add(new(p + "ln_1.bias", [d], StandInInit.Zeros));
            list.Add(new(p + "attn.c_attn.weight", [d, 3 * d], StandInInit.Normal));
            list.Add(new(p + "attn.c_attn.bias", [3 * d], StandInInit.Zeros));
            list.Add(new(p + "attn.c_proj.weight", [d, d], StandInInit.Normal, proj));
            list.Add(new(p + "attn.c_proj.bias", [d], StandInInit.Zeros));
            list.Add(new(p + "ln_2.weight", [d], StandInInit.Ones));
            list.Add(new(p + "ln_2.bias", [d], StandInInit.Zeros));
            list.Add(new(p + "mlp.c_fc.weight", [d, s.DMlp], StandInInit.Normal));
            list.Add(new(p + "mlp.c_fc.bias", [s.DMlp], StandInInit.Zeros));
            list.Add(new(p + "mlp.c_proj.weight", [s.DMlp, d], StandInInit.Normal, proj));
            list.Add(new(p + "mlp.c_proj.bias", [d], StandInInit.Zeros));
        }
        list.Add(new("ln_f.weight", [d], StandInInit.Ones));
        list.Add(new("ln_f.bias", [d], StandInInit.Zeros));
        return list;
    }

    private static List<StandInTensor> AttnOnly(StandInShape s)
    {
        int d = s.DModel, h = s.Heads, dh = s.DHead;
        var list = new List<StandInTensor>
        {
            new("embed.W_E", [s.DVocab, d], StandInInit.Normal),
            new("pos_embed.W_pos", [s.NCtx, d], StandInInit.Normal, 0.01f),
        };
        for (int l = 0; l < s.Layers; l++)
        {
            string p = $"blocks.{l}.";
            list.Add(new(p + "ln1.w", [d], StandInInit.Ones));
            list.Add(new(p + "ln1.b", [d], StandInInit.Zeros));
            foreach (var m in new[] { "W_Q", "W_K", "W_V" }) list.Add(new(p + "attn." + m, [h, d, dh], StandInInit.Normal));
            list.Add(new(p + "attn.W_O", [h, dh, d], StandInInit.Normal));
            foreach (var b in new[] { "b_Q", "b_K", "b_V" }) list.Add(new(p + "attn." + b, [h, dh], StandInInit.Zeros));
            list.Add(new(p + "attn.b_O", [d], StandInInit.Zeros));
        }
        list.Add(new("ln_final.w", [d], StandInInit.Ones));
        list.Add(new("ln_final.b", [d], StandInInit.Zeros));
        list.Add(new("unembed.W_U", [d, s.DVocab], StandInInit.Normal));
        list.Add(new("unembed.b_U", [s.DVocab], StandInInit.Zeros));
        return list;
    }

    private static JsonObject Config(StandInShape s, int seed)
    {
        var standIn = new JsonObject { ["for"] = s.Model, ["seed"] = seed, ["note"] = "seeded random weights at the published shapes; not the published model" };
        if (s.IsGpt2)
        {
            var c = new JsonObject
            {
                ["model_type"] = "gpt2", ["architectures"] = new JsonArray("GPT2LMHeadModel"),
                ["activation_function"] = "gelu_new", ["n_embd"] = s.DModel, ["n_head"] = s.Heads, ["n_layer"] = s.Layers,
                ["n_positions"] = s.NCtx, ["n_ctx"] = s.NCtx, ["vocab_size"] = s.DVocab, ["layer_norm_epsilon"] = 1e-5,
                ["initializer_range"] = 0.02, ["bos_token_id"] = s.DVocab - 1, ["eos_token_id"] = s.DVocab - 1,
                ["tie_word_embeddings"] = true,
            };
            if (s.DMlp != 4 * s.DModel) c["n_inner"] = s.DMlp;
            c["stand_in"] = standIn;
            return c;
        }
        return new JsonObject
        {
            ["n_layers"] = s.Layers, ["d_model"] = s.DModel, ["d_head"] = s.DHead, ["n_heads"] = s.Heads, ["d_mlp"] = null,
            ["d_vocab"] = s.DVocab, ["n_ctx"] = s.NCtx, ["act_fn"] = null, ["attn_only"] = true, ["normalization_type"] = "LN",
            // The published model uses shortformer positions; the engine reads "standard" (W_pos added to the stream).
            ["positional_embedding_type"] = "standard", ["eps"] = 1e-5, ["original_architecture"] = "neel",
            ["tokenizer_name"] = "NeelNanda/gpt-neox-tokenizer-digits", ["default_prepend_bos"] = true,
            ["stand_in"] = standIn,
        };
    }

    // Each tensor has its own stream (seed, index), so a tensor's values do not depend on the sizes of the others.
    private static Tensor Fill(StandInTensor spec, int seed, int index)
    {
        long n = spec.Shape.Aggregate(1L, (a, b) => a * b);
        var data = new float[checked((int)n)];
        switch (spec.Init)
        {
            case StandInInit.Ones: Array.Fill(data, 1f); break;
            case StandInInit.Normal:
                ulong state = Mix((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ ((ulong)index + 1) * 0xD1B54A32D192ED03UL);
                for (int i = 0; i < data.Length; i += 2)
                {
                    // Box-Muller on two 24-bit uniforms in (0, 1].
                    float u1 = ((Next(ref state) >> 40) + 1) * (1f / 16777216f);
                    float u2 = (Next(ref state) >> 40) * (1f / 16777216f);
                    float r = spec.Std * MathF.Sqrt(-2f * MathF.Log(u1));
                    var (sin, cos) = MathF.SinCos(2f * MathF.PI * u2);
                    data[i] = r * cos;
                    if (i + 1 < data.Length) data[i + 1] = r * sin;
                }
                break;
        }
        return new Tensor(data, spec.Shape);
    }

    private static ulong Next(ref ulong s) { s += 0x9E3779B97F4A7C15UL; return Mix(s); }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
