using TorchSharp;
using Verification.Lens;
using Verification.Lens.Hooks;
using Verification.Lens.Weights;
using Verification.Loading.Config;
using static TorchSharp.torch;
using Tensor = Verification.Tensors.Tensor;
using TT = TorchSharp.torch.Tensor;

namespace Verification.Torch;

/// <summary>
/// The libtorch engine behind <see cref="HookedTransformer"/>: the same forward as the managed components (TransformerLens
/// attention-only and GPT-2 families, same hook names and shapes), with every activation kept in libtorch on the chosen
/// device. Declarative patches and ablations run on the device (only their source is copied in); only an activation
/// the cache or a free-form hook wants crosses into managed memory (a copy), and a free-form hook's result is copied
/// back (<see cref="Crossings"/> counts them). Weights are the model's processed ones, copied to the device once.
/// </summary>
public sealed class TorchEngine : IForwardEngine, IDisposable
{
    private readonly ModelConfig _c;
    private readonly torch.Device _device;
    private readonly TT _wE, _wPos, _wU, _bU;
    private readonly TT? _lnFW, _lnFB;
    private readonly TorchBlock[] _blocks;

    public string Name => "torch";
    public string Device { get; }
    /// <summary>Activations copied across at hook points over this engine's life.</summary>
    public Crossings Crossings { get; } = new();

    private TorchEngine(HookedTransformer model, string device)
    {
        _c = model.Config;
        Device = device;
        _device = TorchRuntime.Device(device);
        var w = model.Weights;
        _wE = Upload(w.W_E); _wPos = Upload(w.W_pos); _wU = Upload(w.W_U); _bU = Upload(w.b_U);
        if (w.LnFinalW != null) { _lnFW = Upload(w.LnFinalW); _lnFB = w.LnFinalB != null ? Upload(w.LnFinalB) : torch.zeros_like(_lnFW); }
        _blocks = w.Blocks.Select((b, l) => new TorchBlock(l, b, _c, Upload)).ToArray();
    }

    /// <summary>Puts a libtorch engine on <paramref name="model"/> (device "cpu" or "cuda"; null: CUDA when available).</summary>
    public static TorchEngine Attach(HookedTransformer model, string? device = null)
    {
        TorchRuntime.EnsureLoaded();
        if (model.Config.Family is not (ModelFamily.TransformerLens or ModelFamily.HuggingFaceGpt2))
            throw new NotSupportedException($"the torch engine runs TransformerLens and GPT-2 models, not {model.Config.Family}");
        var engine = new TorchEngine(model, device ?? TorchRuntime.DefaultDevice);
        model.Engine = engine;
        return engine;
    }

    private TT Upload(Tensor t) => TorchTensors.Upload(t, _device);

    public Tensor Run(ForwardContext ctx, Tokens tokens, ForwardOptions options)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var f = new DeviceForward(ctx, _device, Crossings);
        int batch = tokens.Batch, pos = tokens.Length;
        using var ids = torch.tensor(tokens.Ids.Select(i => (long)i).ToArray(), new long[] { batch, pos }, device: _device);
        var embed = f.Point(HookNames.Embed, _wE.index_select(0, ids.flatten()).reshape(batch, pos, _c.DModel));
        var posEmbed = f.Point(HookNames.PosEmbed, _wPos.narrow(0, 0, pos).unsqueeze(0).expand(batch, pos, _c.DModel).contiguous());
        return RunBlocks(f, embed + posEmbed, 0, options);
    }

    public Tensor RunFrom(ForwardContext ctx, int startLayer, Tensor residual, ForwardOptions options)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return RunBlocks(new DeviceForward(ctx, _device, Crossings), Upload(residual), startLayer, options);
    }

    private Tensor RunBlocks(DeviceForward f, TT resid, int startLayer, ForwardOptions options)
    {
        int stop = options.StopAtLayer ?? _blocks.Length;
        if (stop < 0 || stop > _blocks.Length) throw new ArgumentOutOfRangeException(nameof(options), $"stop_at_layer {stop} outside 0..{_blocks.Length}");
        for (int l = startLayer; l < stop; l++) resid = _blocks[l].Forward(this, f, resid);
        if (options.StopAtLayer != null) return TorchTensors.ToManaged(resid);
        var x = _c.NormalizationType != null ? LayerNorm(f, "ln_final", resid, _lnFW, _lnFB) : resid;
        if (options.LastPositionOnly) x = x.narrow(1, x.shape[1] - 1, 1);
        return TorchTensors.ToManaged(torch.matmul(x, _wU) + _bU);
    }

    /// <summary>TransformerLens LayerNorm / LNPre with hook_scale [batch, pos, 1] and hook_normalized.</summary>
    internal TT LayerNorm(DeviceForward f, string prefix, TT x, TT? w, TT? b)
    {
        var centred = x - x.mean(new long[] { -1 }, keepdim: true);
        var scale = f.Point(prefix + ".hook_scale", (centred.pow(2).mean(new long[] { -1 }, keepdim: true) + _c.Eps).sqrt());
        var normalized = centred / scale;
        if (w is not null) normalized = normalized * w + b!;
        return f.Point(prefix + ".hook_normalized", normalized);
    }

    public void Dispose()
    {
        foreach (var t in new[] { _wE, _wPos, _wU, _bU, _lnFW, _lnFB }) t?.Dispose();
        foreach (var b in _blocks) b.Dispose();
    }
}

/// <summary>One residual block on libtorch, mirroring Components/TransformerBlock, Attention and Mlp.</summary>
internal sealed class TorchBlock : IDisposable
{
    private readonly int _l, _heads, _dHead, _dModel;
    private readonly bool _attnOnly;
    private readonly string? _act;
    private readonly TT? _ln1W, _ln1B, _ln2W, _ln2B, _wIn, _bIn, _wOut, _bOut;
    private readonly TT _wQ, _wK, _wV, _bQ, _bK, _bV, _wO, _wOFlat, _bO;
    private readonly double _invScale;

    public TorchBlock(int layer, BlockWeights w, ModelConfig c, Func<Tensor, TT> up)
    {
        _l = layer; _heads = c.NHeads; _dHead = c.DHead; _dModel = c.DModel; _attnOnly = c.AttnOnly; _act = c.ActFn;
        _normalization = c.NormalizationType != null;
        _invScale = 1.0 / Math.Sqrt(c.DHead);
        TT? Opt(Tensor? t) => t is null ? null : up(t);
        _ln1W = Opt(w.Ln1W); _ln1B = w.Ln1W is null ? null : w.Ln1B is null ? torch.zeros_like(_ln1W!) : up(w.Ln1B);
        _ln2W = Opt(w.Ln2W); _ln2B = w.Ln2W is null ? null : w.Ln2B is null ? torch.zeros_like(_ln2W!) : up(w.Ln2B);
        // [head, d_model, d_head] → [d_model, head·d_head]: one product gives q in [batch, pos, head, d_head].
        TT Pack(Tensor t) { using var x = up(t); return x.permute(1, 0, 2).reshape(_dModel, _heads * _dHead).contiguous(); }
        _wQ = Pack(w.W_Q); _wK = Pack(w.W_K); _wV = Pack(w.W_V);
        _bQ = up(w.b_Q).reshape(_heads * _dHead); _bK = up(w.b_K).reshape(_heads * _dHead); _bV = up(w.b_V).reshape(_heads * _dHead);
        _wO = up(w.W_O); _wOFlat = _wO.reshape(_heads * _dHead, _dModel); _bO = up(w.b_O);
        if (!_attnOnly) { _wIn = Opt(w.W_in); _bIn = Opt(w.b_in); _wOut = Opt(w.W_out); _bOut = Opt(w.b_out); }
    }

    private readonly bool _normalization;

    public TT Forward(TorchEngine e, DeviceForward f, TT residPre)
    {
        residPre = f.Point(HookNames.ResidPre(_l), residPre);
        var attnIn = _normalization ? e.LayerNorm(f, $"blocks.{_l}.ln1", residPre, _ln1W, _ln1B) : residPre;
        var attnOut = Attention(f, attnIn);
        if (_attnOnly) return f.Point(HookNames.ResidPost(_l), residPre + attnOut);
        var residMid = f.Point(HookNames.ResidMid(_l), residPre + attnOut);
        var mlpIn = _normalization ? e.LayerNorm(f, $"blocks.{_l}.ln2", residMid, _ln2W, _ln2B) : residMid;
        return f.Point(HookNames.ResidPost(_l), residMid + Mlp(f, mlpIn));
    }

    private TT Attention(DeviceForward f, TT x)
    {
        long b = x.shape[0], p = x.shape[1];
        var q = f.Point(HookNames.Q(_l), (torch.matmul(x, _wQ) + _bQ).reshape(b, p, _heads, _dHead));
        var k = f.Point(HookNames.K(_l), (torch.matmul(x, _wK) + _bK).reshape(b, p, _heads, _dHead));
        var v = f.Point(HookNames.V(_l), (torch.matmul(x, _wV) + _bV).reshape(b, p, _heads, _dHead));
        // [batch, head, q, k]; masked keys −∞ as the managed engine and TransformerLens leave them in hook_attn_scores.
        var scores = torch.matmul(q.permute(0, 2, 1, 3), k.permute(0, 2, 3, 1)) * _invScale;
        using (var mask = torch.ones(p, p, dtype: ScalarType.Bool, device: x.device).triu(1))
            scores = scores.masked_fill(mask, float.NegativeInfinity);
        scores = f.Point(HookNames.AttnScores(_l), scores);
        var pattern = f.Point(HookNames.Pattern(_l), scores.softmax(-1));
        var z = f.Point(HookNames.Z(_l), torch.matmul(pattern, v.permute(0, 2, 1, 3)).permute(0, 2, 1, 3).contiguous());
        TT outp;
        string resultName = HookNames.Result(_l);
        if (f.Wants(resultName))
        {
            // Per-head outputs [batch, pos, head, d_model], then their sum (TransformerLens's use_attn_result path).
            var result = f.Point(resultName, torch.einsum("bphe,hed->bphd", z, _wO));
            outp = result.sum(2) + _bO;
        }
        else
        {
            outp = torch.matmul(z.reshape(b, p, _heads * _dHead), _wOFlat) + _bO;
        }
        return f.Point(HookNames.AttnOut(_l), outp);
    }

    private TT Mlp(DeviceForward f, TT x)
    {
        var pre = f.Point(HookNames.MlpPre(_l), torch.matmul(x, _wIn!) + _bIn!);
        var post = TorchTensors.Activation(_act, pre);
        post = f.Point(HookNames.MlpPost(_l), post);
        return f.Point(HookNames.MlpOut(_l), torch.matmul(post, _wOut!) + _bOut!);
    }

    public void Dispose()
    {
        foreach (var t in new[] { _ln1W, _ln1B, _ln2W, _ln2B, _wIn, _bIn, _wOut, _bOut, _wQ, _wK, _wV, _bQ, _bK, _bV, _wO, _wOFlat, _bO }) t?.Dispose();
    }
}
