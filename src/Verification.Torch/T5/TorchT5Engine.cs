using TorchSharp;
using Verification.Lens.Hooks;
using Verification.Lens.T5;
using Verification.Loading.Config;
using static TorchSharp.torch;
using Tensor = Verification.Tensors.Tensor;
using TT = TorchSharp.torch.Tensor;

namespace Verification.Torch.T5;

/// <summary>
/// The libtorch engine behind <see cref="HookedEncoderDecoder"/>: the same T5 forward as the managed one (Hugging Face
/// T5ForConditionalGeneration semantics, HookedEncoderDecoder hook names and shapes, masked scores float.MinValue as
/// HF's finfo.min mask leaves them), with activations kept in libtorch on the device; hooks and the cache work as on
/// <see cref="TorchEngine"/> (declarative patches on the device, free-form hooks on a copy).
/// </summary>
public sealed class TorchT5Engine : IEncoderDecoderEngine, IDisposable
{
    private readonly T5Config _c;
    private readonly torch.Device _device;
    private readonly TT _shared, _lmHead, _encBiasTable, _decBiasTable, _encFinal, _decFinal;
    private readonly TorchT5Block[] _encoder, _decoder;

    public string Name => "torch";
    public string Device { get; }
    /// <summary>Activations copied across at hook points over this engine's life.</summary>
    public Crossings Crossings { get; } = new();

    private TorchT5Engine(HookedEncoderDecoder model, string device)
    {
        _c = model.Config;
        Device = device;
        _device = TorchRuntime.Device(device);
        var w = model.Weights;
        int d = _c.DModel, v = _c.VocabSize, nb = _c.RelativeAttentionNumBuckets, heads = _c.NumHeads;
        _shared = Up(w.Shared, v, d);
        _lmHead = Up(w.LmHead, d, v);
        _encBiasTable = Up(w.EncoderRelativeBias, nb, heads);
        _decBiasTable = Up(w.DecoderRelativeBias, nb, heads);
        _encFinal = Up(w.EncoderFinalLn, d);
        _decFinal = Up(w.DecoderFinalLn, d);
        _encoder = w.Encoder.Select((b, l) => new TorchT5Block("encoder", l, b, _c, Up)).ToArray();
        _decoder = w.Decoder.Select((b, l) => new TorchT5Block("decoder", l, b, _c, Up)).ToArray();
    }

    private TT Up(float[] data, params long[] shape) => TorchTensors.Upload(data, _device, shape);

    /// <summary>Puts a libtorch engine on <paramref name="model"/> (device "cpu" or "cuda"; null: CUDA when available).</summary>
    public static TorchT5Engine Attach(HookedEncoderDecoder model, string? device = null)
    {
        TorchRuntime.EnsureLoaded();
        var engine = new TorchT5Engine(model, device ?? TorchRuntime.DefaultDevice);
        model.Engine = engine;
        return engine;
    }

    public Tensor Run(ForwardContext ctx, EncoderDecoderInput input)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var f = new DeviceForward(ctx, _device, Crossings);
        int batch = input.Encoder.Batch, en = input.Encoder.Length, dn = input.Decoder.Length;

        // Blocked keys (true = may not attend), broadcast over [batch, head, q, k].
        var encPadding = KeyPadding(input.EncoderMask, batch, en);
        var decBlocked = torch.ones(dn, dn, dtype: ScalarType.Bool, device: _device).triu(1).reshape(1, 1, dn, dn);
        if (KeyPadding(input.DecoderMask, batch, dn) is { } decPadding) decBlocked = decBlocked.logical_or(decPadding);

        var encBias = PositionBias(_encBiasTable, en, en, bidirectional: true);
        var h = Embed(input.Encoder);
        foreach (var block in _encoder) h = block.Forward(f, h, encBias, encPadding, null);
        var encoderOut = TorchT5Block.Norm(f, "encoder_final_ln", h, _encFinal, _c.LayerNormEpsilon);

        var decBias = PositionBias(_decBiasTable, dn, dn, bidirectional: false);
        var x = Embed(input.Decoder);
        foreach (var block in _decoder) x = block.Forward(f, x, decBias, decBlocked, (encoderOut, encPadding));
        var decoderOut = TorchT5Block.Norm(f, "decoder_final_ln", x, _decFinal, _c.LayerNormEpsilon);
        // HF rescales before the tied projection: sequence_output * d_model**-0.5.
        if (_c.TieWordEmbeddings) decoderOut = decoderOut * (float)Math.Pow(_c.DModel, -0.5);
        return TorchTensors.ToManaged(torch.matmul(decoderOut, _lmHead));
    }

    private TT Embed(Verification.Lens.Tokens t)
    {
        using var ids = torch.tensor(t.Ids.Select(i => (long)i).ToArray(), new long[] { t.Batch * t.Length }, device: _device);
        return _shared.index_select(0, ids).reshape(t.Batch, t.Length, _c.DModel);
    }

    private TT? KeyPadding(bool[]? mask, int batch, int len) => mask is null ? null
        : torch.tensor(mask.Select(m => !m).ToArray(), new long[] { batch, 1, 1, len }, device: _device);

    // [1, head, q, k] from block 0's table [buckets, head], buckets as HF computes them (RelativePositionBucket).
    private TT PositionBias(TT table, int qn, int kn, bool bidirectional)
    {
        var buckets = new long[qn * kn];
        for (int i = 0; i < qn; i++)
            for (int j = 0; j < kn; j++)
                buckets[i * kn + j] = RelativePositionBucket.Of(j - i, bidirectional, _c.RelativeAttentionNumBuckets, _c.RelativeAttentionMaxDistance);
        using var idx = torch.tensor(buckets, device: _device);
        return table.index_select(0, idx).reshape(qn, kn, _c.NumHeads).permute(2, 0, 1).unsqueeze(0);
    }

    public void Dispose()
    {
        foreach (var t in new[] { _shared, _lmHead, _encBiasTable, _decBiasTable, _encFinal, _decFinal }) t.Dispose();
        foreach (var b in _encoder.Concat(_decoder)) b.Dispose();
    }
}

/// <summary>One T5 block on libtorch, mirroring Lens/T5's T5Block, T5Attention, T5FeedForward and T5LayerNorm.</summary>
internal sealed class TorchT5Block : IDisposable
{
    private readonly string _p, _act;
    private readonly double _eps;
    private readonly int _heads, _dKv;
    private readonly TT _ln1, _lnFf;
    private readonly TT? _ln2Cross;
    private readonly Projections _self;
    private readonly Projections? _cross;
    private readonly TT _wi0, _wo;
    private readonly TT? _wi1;

    private sealed record Projections(TT Q, TT K, TT V, TT O, TT OPerHead) : IDisposable
    {
        public void Dispose() { foreach (var t in new[] { Q, K, V, O, OPerHead }) t.Dispose(); }
    }

    public TorchT5Block(string stack, int layer, T5BlockWeights w, T5Config c, Func<float[], long[], TT> up)
    {
        _p = $"{stack}.{layer}"; _act = c.DenseActFn; _eps = c.LayerNormEpsilon; _heads = c.NumHeads; _dKv = c.DKv;
        long d = c.DModel, inner = c.InnerDim, ff = c.DFf;
        Projections Attn(T5AttentionWeights a)
        {
            var o = up(a.Wo, new[] { inner, d });
            return new(up(a.Wq, new[] { d, inner }), up(a.Wk, new[] { d, inner }), up(a.Wv, new[] { d, inner }), o, o.reshape(_heads, _dKv, d));
        }
        _ln1 = up(w.Ln1, new[] { d });
        _self = Attn(w.SelfAttn);
        if (w.CrossAttn != null) { _ln2Cross = up(w.Ln2Cross!, new[] { d }); _cross = Attn(w.CrossAttn); }
        _lnFf = up(w.LnFf, new[] { d });
        _wi0 = up(w.Ff.Wi0, new[] { d, ff });
        _wi1 = w.Ff.Wi1 is null ? null : up(w.Ff.Wi1, new[] { d, ff });
        _wo = up(w.Ff.Wo, new[] { ff, d });
    }

    /// <param name="blocked">self-attention keys each query may not see, broadcast to [batch, head, q, k] (null: none)</param>
    /// <param name="encoder">decoder blocks: the encoder's output and its padded keys</param>
    public TT Forward(DeviceForward f, TT resid, TT bias, TT? blocked, (TT Out, TT? Padding)? encoder)
    {
        resid = f.Point(_p + ".hook_resid_pre", resid);
        var normed = Norm(f, _p + ".ln1", resid, _ln1, _eps);
        resid = f.Point(_p + ".hook_resid_mid", resid + Attention(f, _p + ".attn", _p + ".hook_attn_out", _self, normed, normed, bias, blocked));
        string ffNorm = _p + ".ln2";
        if (encoder is { } e)
        {
            var q = Norm(f, _p + ".ln2", resid, _ln2Cross!, _eps);
            resid = f.Point(_p + ".hook_resid_mid_cross", resid + Attention(f, _p + ".cross_attn", _p + ".hook_cross_attn_out", _cross!, q, e.Out, null, e.Padding));
            ffNorm = _p + ".ln3";
        }
        var m = Norm(f, ffNorm, resid, _lnFf, _eps);
        return f.Point(_p + ".hook_resid_post", resid + FeedForward(f, m));
    }

    /// <summary>T5LayerNorm with RMSNorm's hooks: scale = sqrt(mean(x²) + eps), normalized = x / scale, then the weight.</summary>
    public static TT Norm(DeviceForward f, string prefix, TT x, TT w, double eps)
    {
        var scale = f.Point(prefix + ".hook_scale", (x.pow(2).mean(new long[] { -1 }, keepdim: true) + eps).sqrt());
        return f.Point(prefix + ".hook_normalized", x / scale) * w;
    }

    private TT Attention(DeviceForward f, string prefix, string outName, Projections w, TT x, TT kv, TT? bias, TT? blocked)
    {
        long b = x.shape[0], qn = x.shape[1], kn = kv.shape[1];
        var q = f.Point(prefix + ".hook_q", torch.matmul(x, w.Q).reshape(b, qn, _heads, _dKv));
        var k = f.Point(prefix + ".hook_k", torch.matmul(kv, w.K).reshape(b, kn, _heads, _dKv));
        var v = f.Point(prefix + ".hook_v", torch.matmul(kv, w.V).reshape(b, kn, _heads, _dKv));
        // No 1/sqrt(d) scale in T5.
        var scores = torch.matmul(q.permute(0, 2, 1, 3), k.permute(0, 2, 3, 1));
        if (bias is not null) scores = scores + bias;
        if (blocked is not null) scores = scores.masked_fill(blocked, float.MinValue);
        scores = f.Point(prefix + ".hook_attn_scores", scores);
        var pattern = f.Point(prefix + ".hook_pattern", scores.softmax(-1));
        var z = f.Point(prefix + ".hook_z", torch.matmul(pattern, v.permute(0, 2, 1, 3)).permute(0, 2, 1, 3).contiguous());
        string resultName = prefix + ".hook_result";
        var output = f.Wants(resultName)
            ? f.Point(resultName, torch.einsum("bphe,hed->bphd", z, w.OPerHead)).sum(2)
            : torch.matmul(z.reshape(b, qn, _heads * _dKv), w.O);
        return f.Point(outName, output);
    }

    private TT FeedForward(DeviceForward f, TT x)
    {
        var pre = f.Point(_p + ".mlp.hook_pre", torch.matmul(x, _wi0));
        var post = TorchTensors.Activation(_act, pre);
        if (_wi1 is not null) post = post * f.Point(_p + ".mlp.hook_pre_linear", torch.matmul(x, _wi1));
        post = f.Point(_p + ".mlp.hook_post", post);
        return f.Point(_p + ".hook_mlp_out", torch.matmul(post, _wo));
    }

    public void Dispose()
    {
        foreach (var t in new[] { _ln1, _lnFf, _ln2Cross, _wi0, _wi1, _wo }) t?.Dispose();
        _self.Dispose();
        _cross?.Dispose();
    }
}
