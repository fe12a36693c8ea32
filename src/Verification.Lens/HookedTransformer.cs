using Verification.Lens.Components;
using Verification.Lens.Hooks;
using Verification.Lens.Weights;
using Verification.Loading.Config;
using Verification.Loading.Tokenization;
using Verification.Tensors;
using Verification.Tensors.Ops;

namespace Verification.Lens;

/// <summary>What a forward pass returns besides logits, and how far it goes.</summary>
public sealed record ForwardOptions
{
    /// <summary>Hooks that read or replace activations.</summary>
    public IReadOnlyList<Hook>? Hooks { get; init; }
    /// <summary>Cache the activations whose names pass this filter (null: cache nothing).</summary>
    public Func<string, bool>? CacheFilter { get; init; }
    /// <summary>Compute logits only at the last position (logits then [batch, 1, d_vocab]): what most experiments read.</summary>
    public bool LastPositionOnly { get; init; }
    /// <summary>Stop before this block (TransformerLens's stop_at_layer): no logits, the residual stream is returned.</summary>
    public int? StopAtLayer { get; init; }
}

/// <summary>
/// A transformer whose every activation is observable and replaceable through TransformerLens-named hook points.
/// Weights are read once at construction; to change them, build a new model from modified weights.
/// </summary>
public sealed class HookedTransformer : IDisposable
{
    private readonly TransformerBlock[] _blocks;
    private readonly LayerNorm? _lnFinal;
    private readonly HashSet<string> _hookNames;

    public ModelConfig Config { get; }
    public TransformerWeights Weights { get; }
    public ITextTokenizer? Tokenizer { get; }
    /// <summary>Where the model came from (a directory, a registry name) and how its weights were processed.</summary>
    public string Name { get; }
    public IReadOnlyList<string> HookPointNames { get; }

    /// <summary>
    /// The engine that runs the forward: null for this managed one; another (the libtorch engine of Verification.Torch)
    /// takes the same hooks, cache and options, so callers are unchanged. Replacing an engine disposes the old one.
    /// </summary>
    public IForwardEngine? Engine { get => _engine; set => _engine = EngineSlot.Replace(_engine, value); }
    private IForwardEngine? _engine;
    /// <summary>"managed" or the engine's name, and the device it runs on: for headers and bench.</summary>
    public string EngineName => Engine?.Name ?? "managed";
    public string DeviceName => Engine?.Device ?? "cpu";

    public HookedTransformer(ModelConfig config, TransformerWeights weights, ITextTokenizer? tokenizer = null, string name = "model")
    {
        Config = config;
        Weights = weights;
        Tokenizer = tokenizer;
        Name = name;
        _blocks = Enumerable.Range(0, config.NLayers).Select(l => new TransformerBlock(l, weights.Blocks[l], config)).ToArray();
        if (config.NormalizationType != null) _lnFinal = new LayerNorm("ln_final", weights.LnFinalW, weights.LnFinalB, config.Eps);
        HookPointNames = HookNames.All(config.NLayers, config.AttnOnly, config.NormalizationType != null);
        _hookNames = new HashSet<string>(HookPointNames, StringComparer.Ordinal);
    }

    /// <summary>Frees the engine's native memory (the managed engine holds none).</summary>
    public void Dispose() => Engine = null;

    /// <summary>The BOS token to put at position 0: the config's, else the tokenizer's.</summary>
    public int? BosTokenId => Config.BosTokenId ?? Tokenizer?.BosTokenId;

    /// <summary>Logits [batch, pos, d_vocab] (or [batch, 1, d_vocab] with LastPositionOnly; the residual stream with StopAtLayer).</summary>
    public Tensor Forward(Tokens tokens, ForwardOptions? options = null) => Run(tokens, options ?? new ForwardOptions()).Output;

    public Tensor RunWithHooks(Tokens tokens, params Hook[] hooks) => Forward(tokens, new ForwardOptions { Hooks = hooks });

    /// <summary>Logits and a cache of the activations whose names pass the filter (all of them when null).</summary>
    public (Tensor Logits, ActivationCache Cache) RunWithCache(Tokens tokens, Func<string, bool>? names = null, IReadOnlyList<Hook>? hooks = null)
    {
        var (output, cache) = Run(tokens, new ForwardOptions { CacheFilter = names ?? (_ => true), Hooks = hooks });
        return (output, cache!);
    }

    public (Tensor Output, ActivationCache? Cache) Run(Tokens tokens, ForwardOptions options)
    {
        ValidateTokens(tokens);
        var ctx = new ForwardContext(options.Hooks, options.CacheFilter, _hookNames);
        if (Engine != null) return (Engine.Run(ctx, tokens, options), ctx.Cache);
        int batch = tokens.Batch, pos = tokens.Length, d = Config.DModel;

        var embed = new Tensor(new float[batch * pos * d], batch, pos, d);
        for (int i = 0; i < batch * pos; i++)
            Array.Copy(Weights.W_E.Data, tokens.Ids[i] * d, embed.Data, i * d, d);
        embed = ctx.Apply(HookNames.Embed, embed);

        var posEmbed = new Tensor(new float[batch * pos * d], batch, pos, d);
        for (int b = 0; b < batch; b++)
            Array.Copy(Weights.W_pos.Data, 0, posEmbed.Data, b * pos * d, pos * d);
        posEmbed = ctx.Apply(HookNames.PosEmbed, posEmbed);

        return RunBlocks(ctx, TransformerBlock.Add(embed, posEmbed), 0, options);
    }

    /// <summary>
    /// TransformerLens's start_at_layer: run from block <paramref name="startLayer"/> on with <paramref name="residual"/>
    /// [batch, pos, d_model] (a copy is used) as its hook_resid_pre, so an experiment that changes only layers from
    /// startLayer on (patching a head there, say) need not recompute the layers before. Hooks before that block do not fire.
    /// </summary>
    public (Tensor Output, ActivationCache? Cache) RunFrom(int startLayer, Tensor residual, ForwardOptions options)
    {
        if (startLayer < 0 || startLayer > _blocks.Length)
            throw new ArgumentOutOfRangeException(nameof(startLayer), $"start layer {startLayer} outside 0..{_blocks.Length}");
        if (residual.Rank != 3 || residual.Shape[2] != Config.DModel)
            throw new ArgumentException($"residual must be [batch, pos, {Config.DModel}], got {residual.ShapeString}", nameof(residual));
        if (residual.Shape[1] > Config.NCtx)
            throw new ArgumentException($"sequence of {residual.Shape[1]} positions is longer than the model's context of {Config.NCtx}", nameof(residual));
        if (options.StopAtLayer < startLayer)
            throw new ArgumentOutOfRangeException(nameof(options), $"stop_at_layer {options.StopAtLayer} is before start layer {startLayer}");
        var ctx = new ForwardContext(options.Hooks, options.CacheFilter, _hookNames);
        if (Engine != null) return (Engine.RunFrom(ctx, startLayer, residual, options), ctx.Cache);
        return RunBlocks(ctx, residual.Clone(), startLayer, options);
    }

    private (Tensor Output, ActivationCache? Cache) RunBlocks(ForwardContext ctx, Tensor resid, int startLayer, ForwardOptions options)
    {
        int stop = options.StopAtLayer ?? _blocks.Length;
        if (stop < 0 || stop > _blocks.Length) throw new ArgumentOutOfRangeException(nameof(options), $"stop_at_layer {stop} outside 0..{_blocks.Length}");
        for (int l = startLayer; l < stop; l++) resid = _blocks[l].Forward(ctx, resid);
        if (options.StopAtLayer != null) return (resid, ctx.Cache);

        var normalized = _lnFinal != null ? _lnFinal.Forward(ctx, resid) : resid;
        return (Unembed(normalized, options.LastPositionOnly), ctx.Cache);
    }

    private Tensor Unembed(Tensor x, bool lastOnly) // [batch, pos, d_model] → [batch, pos or 1, d_vocab]
    {
        int batch = x.Shape[0], pos = x.Shape[1], d = x.Shape[2], v = Config.DVocab;
        if (!lastOnly)
            return new Tensor(Linear.Apply(x.Data, batch * pos, d, Weights.W_U.Data, v, Weights.b_U.Data), batch, pos, v);
        var last = new float[batch * d];
        for (int b = 0; b < batch; b++) Array.Copy(x.Data, ((b + 1) * pos - 1) * d, last, b * d, d);
        return new Tensor(Linear.Apply(last, batch, d, Weights.W_U.Data, v, Weights.b_U.Data), batch, 1, v);
    }

    private void ValidateTokens(Tokens tokens)
    {
        if (tokens.Length > Config.NCtx)
            throw new ArgumentException($"sequence of {tokens.Length} tokens is longer than the model's context of {Config.NCtx}");
        foreach (var id in tokens.Ids)
            if ((uint)id >= (uint)Config.DVocab)
                throw new ArgumentException($"token id {id} is outside the vocabulary of {Config.DVocab}");
    }

    /// <summary>Log-probabilities [batch, pos, d_vocab] from logits.</summary>
    public static Tensor LogSoftmax(Tensor logits)
    {
        int v = logits.Shape[^1];
        var result = new Tensor(new float[logits.Length], logits.Shape);
        for (int off = 0; off < logits.Length; off += v)
            RowOps.LogSoftmax(logits.Data.AsSpan(off, v), result.Data.AsSpan(off, v));
        return result;
    }
}
