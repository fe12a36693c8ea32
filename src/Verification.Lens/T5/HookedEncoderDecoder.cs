using Verification.Lens.Hooks;
using Verification.Loading;
using Verification.Loading.Config;
using Verification.Loading.Safetensors;
using Verification.Loading.Torch;
using Verification.Tensors;

namespace Verification.Lens.T5;

/// <summary>
/// One batch for an encoder-decoder: ids row-major [batch, len] for each side, with optional attention masks
/// (true = a real token) for batches of unequal length.
/// </summary>
public sealed record EncoderDecoderInput(Tokens Encoder, Tokens Decoder, bool[]? EncoderMask = null, bool[]? DecoderMask = null);

/// <summary>
/// A T5 encoder-decoder (Hugging Face T5ForConditionalGeneration semantics) whose activations carry
/// TransformerLens HookedEncoderDecoder names: encoder.{i}.*, decoder.{i}.* (with cross_attn), encoder_final_ln, decoder_final_ln.
/// </summary>
public sealed class HookedEncoderDecoder : IDisposable
{
    private readonly T5Block[] _encoder, _decoder;
    private readonly T5LayerNorm _encoderFinal, _decoderFinal;
    private readonly HashSet<string> _hookNames;

    public T5Config Config { get; }
    public T5Weights Weights { get; }
    public string Name { get; }
    public IReadOnlyList<string> HookPointNames { get; }

    /// <summary>
    /// The engine that runs the forward: null for this managed one; another (the libtorch engine of Verification.Torch)
    /// takes the same hooks and cache. Replacing an engine disposes the old one.
    /// </summary>
    public IEncoderDecoderEngine? Engine { get => _engine; set => _engine = EngineSlot.Replace(_engine, value); }
    private IEncoderDecoderEngine? _engine;
    public string EngineName => Engine?.Name ?? "managed";
    public string DeviceName => Engine?.Device ?? "cpu";

    /// <summary>Frees the engine's native memory (the managed engine holds none).</summary>
    public void Dispose() => Engine = null;

    public HookedEncoderDecoder(T5Config config, T5Weights weights, string name = "t5")
    {
        Config = config; Weights = weights; Name = name;
        _encoder = Enumerable.Range(0, config.NumLayers).Select(l => new T5Block("encoder", l, weights.Encoder[l], config)).ToArray();
        _decoder = Enumerable.Range(0, config.NumDecoderLayers).Select(l => new T5Block("decoder", l, weights.Decoder[l], config)).ToArray();
        _encoderFinal = new T5LayerNorm("encoder_final_ln", weights.EncoderFinalLn, config.LayerNormEpsilon);
        _decoderFinal = new T5LayerNorm("decoder_final_ln", weights.DecoderFinalLn, config.LayerNormEpsilon);
        HookPointNames = T5HookNames.All(config.NumLayers, config.NumDecoderLayers, config.IsGatedAct);
        _hookNames = new HashSet<string>(HookPointNames, StringComparer.Ordinal);
    }

    /// <summary>Loads config.json (model_type "t5") and model.safetensors or pytorch_model.bin (restricted unpickler) from a directory.</summary>
    public static HookedEncoderDecoder Load(string directory)
    {
        var files = ModelLoader.Locate(directory);
        var config = T5ConfigReader.Read(files.ConfigPath);
        var dict = files.Format == "safetensors" ? SafetensorsReader.Read(files.WeightsPath) : TorchCheckpointReader.Read(files.WeightsPath);
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        return new HookedEncoderDecoder(config, T5Weights.FromStateDict(dict, config), name);
    }

    /// <summary>Logits [batch, decoder pos, vocab].</summary>
    public Tensor Forward(EncoderDecoderInput input, IReadOnlyList<Hook>? hooks = null) => Run(input, hooks, null).Logits;

    public (Tensor Logits, ActivationCache Cache) RunWithCache(EncoderDecoderInput input, Func<string, bool>? names = null, IReadOnlyList<Hook>? hooks = null)
    {
        var (logits, cache) = Run(input, hooks, names ?? (_ => true));
        return (logits, cache!);
    }

    public (Tensor Logits, ActivationCache? Cache) Run(EncoderDecoderInput input, IReadOnlyList<Hook>? hooks, Func<string, bool>? cacheFilter)
    {
        Validate(input);
        var ctx = new ForwardContext(hooks, cacheFilter, _hookNames);
        if (Engine != null) return (Engine.Run(ctx, input), ctx.Cache);
        int batch = input.Encoder.Batch, en = input.Encoder.Length, dn = input.Decoder.Length, nb = Config.RelativeAttentionNumBuckets, md = Config.RelativeAttentionMaxDistance;
        var encMask = input.EncoderMask;
        var decMask = input.DecoderMask;
        bool EncAllowed(int b, int i, int j) => encMask == null || encMask[b * en + j];
        bool DecAllowed(int b, int i, int j) => j <= i && (decMask == null || decMask[b * dn + j]);

        // Block 0's table gives the bias every layer of its stack adds (HF passes position_bias on).
        var encBias = PositionBias(Weights.EncoderRelativeBias, en, en, bidirectional: true, nb, md);
        var h = Embed(input.Encoder);
        foreach (var block in _encoder) h = block.Forward(ctx, h, encBias, EncAllowed, null, null);
        var encoderOut = _encoderFinal.Forward(ctx, h);

        var decBias = PositionBias(Weights.DecoderRelativeBias, dn, dn, bidirectional: false, nb, md);
        bool CrossAllowed(int b, int i, int j) => encMask == null || encMask[b * en + j];
        var x = Embed(input.Decoder);
        foreach (var block in _decoder) x = block.Forward(ctx, x, decBias, DecAllowed, encoderOut, CrossAllowed);
        var decoderOut = _decoderFinal.Forward(ctx, x);

        int d = Config.DModel, v = Config.VocabSize, rows = batch * dn;
        var seq = decoderOut.Data;
        if (Config.TieWordEmbeddings)
        {
            // HF rescales before the tied projection: sequence_output * d_model**-0.5.
            float s = (float)Math.Pow(d, -0.5);
            seq = seq.Select(t => t * s).ToArray();
        }
        var logits = new Tensor(Components.Linear.Apply(seq, rows, d, Weights.LmHead, v, null), batch, dn, v);
        return (logits, ctx.Cache);
    }

    private Tensor Embed(Tokens t)
    {
        int d = Config.DModel;
        var e = new Tensor(new float[t.Ids.Length * d], t.Batch, t.Length, d);
        for (int i = 0; i < t.Ids.Length; i++) Array.Copy(Weights.Shared, t.Ids[i] * d, e.Data, i * d, d);
        return e;
    }

    private float[] PositionBias(float[] table, int qn, int kn, bool bidirectional, int nb, int md)
    {
        int heads = Config.NumHeads;
        var bias = new float[heads * qn * kn];
        for (int i = 0; i < qn; i++)
            for (int j = 0; j < kn; j++)
            {
                int bucket = RelativePositionBucket.Of(j - i, bidirectional, nb, md);
                for (int hh = 0; hh < heads; hh++) bias[(hh * qn + i) * kn + j] = table[bucket * heads + hh];
            }
        return bias;
    }

    private void Validate(EncoderDecoderInput input)
    {
        if (input.Encoder.Batch != input.Decoder.Batch)
            throw new ArgumentException($"encoder batch {input.Encoder.Batch} and decoder batch {input.Decoder.Batch} differ");
        foreach (var id in input.Encoder.Ids.Concat(input.Decoder.Ids))
            if ((uint)id >= (uint)Config.VocabSize) throw new ArgumentException($"token id {id} is outside the vocabulary of {Config.VocabSize}");
        if (input.EncoderMask != null && input.EncoderMask.Length != input.Encoder.Ids.Length)
            throw new ArgumentException("encoder mask length differs from the encoder ids");
        if (input.DecoderMask != null && input.DecoderMask.Length != input.Decoder.Ids.Length)
            throw new ArgumentException("decoder mask length differs from the decoder ids");
    }
}

/// <summary>A T5 block: self-attention, (decoder) cross-attention, feed-forward, each pre-normed with a residual add.</summary>
internal sealed class T5Block
{
    private readonly string _stack;
    private readonly int _layer;
    private readonly T5LayerNorm _ln1, _lnFf;
    private readonly T5LayerNorm? _ln2Cross;
    private readonly T5Attention _attn;
    private readonly T5Attention? _cross;
    private readonly T5FeedForward _ff;

    public T5Block(string stack, int layer, T5BlockWeights w, T5Config c)
    {
        _stack = stack; _layer = layer;
        string p = $"{stack}.{layer}";
        double eps = c.LayerNormEpsilon;
        _ln1 = new T5LayerNorm(p + ".ln1", w.Ln1, eps);
        _attn = new T5Attention(p + ".attn", p + ".hook_attn_out", w.SelfAttn, c.NumHeads, c.DKv, c.DModel);
        if (w.CrossAttn != null)
        {
            _ln2Cross = new T5LayerNorm(p + ".ln2", w.Ln2Cross!, eps);
            _cross = new T5Attention(p + ".cross_attn", p + ".hook_cross_attn_out", w.CrossAttn, c.NumHeads, c.DKv, c.DModel);
            _lnFf = new T5LayerNorm(p + ".ln3", w.LnFf, eps);
        }
        else _lnFf = new T5LayerNorm(p + ".ln2", w.LnFf, eps);
        _ff = new T5FeedForward(p + ".mlp", p + ".hook_mlp_out", w.Ff, c.DModel, c.DFf, c.DenseActFn);
    }

    public Tensor Forward(ForwardContext ctx, Tensor resid, float[] bias, Func<int, int, int, bool> allowed, Tensor? encoderOut, Func<int, int, int, bool>? crossAllowed)
    {
        string p = $"{_stack}.{_layer}";
        resid = ctx.Apply(p + ".hook_resid_pre", resid);
        var normed = _ln1.Forward(ctx, resid);
        resid = ctx.Apply(p + ".hook_resid_mid", Add(resid, _attn.Forward(ctx, normed, normed, bias, allowed)));
        if (_cross != null)
        {
            var q = _ln2Cross!.Forward(ctx, resid);
            resid = ctx.Apply(p + ".hook_resid_mid_cross", Add(resid, _cross.Forward(ctx, q, encoderOut!, null, crossAllowed!)));
        }
        var m = _lnFf.Forward(ctx, resid);
        return ctx.Apply(p + ".hook_resid_post", Add(resid, _ff.Forward(ctx, m)));
    }

    private static Tensor Add(Tensor a, Tensor b)
    {
        var y = new float[a.Length];
        for (int i = 0; i < y.Length; i++) y[i] = a.Data[i] + b.Data[i];
        return new Tensor(y, a.Shape);
    }
}
