using Verification.Tensors;

namespace Verification.Lens.Hooks;

/// <summary>
/// The hooks and cache of one forward pass: every activation passes through <see cref="Apply"/>.
/// Public so another engine (<see cref="IForwardEngine"/>) runs the same hooks and fills the same cache.
/// </summary>
public sealed class ForwardContext
{
    private readonly Dictionary<string, List<Hook>> _hooks = new(StringComparer.Ordinal);
    private readonly Func<string, bool>? _cacheFilter;

    public ActivationCache? Cache { get; }

    public ForwardContext(IEnumerable<Hook>? hooks, Func<string, bool>? cacheFilter, IReadOnlyCollection<string> validNames)
    {
        foreach (var h in hooks ?? Array.Empty<Hook>())
        {
            if (!validNames.Contains(h.Name))
                throw new ArgumentException($"no hook point named '{h.Name}' in this model{Suggest(h.Name, validNames)}");
            if (!_hooks.TryGetValue(h.Name, out var list)) _hooks[h.Name] = list = new List<Hook>();
            list.Add(h);
        }
        _cacheFilter = cacheFilter;
        if (cacheFilter != null) Cache = new ActivationCache();
    }

    /// <summary>Whether anything reads this activation (so optional ones, like per-head results, need computing).</summary>
    public bool Wants(string name) => _hooks.ContainsKey(name) || (_cacheFilter?.Invoke(name) ?? false);

    public bool HasHook(string name) => _hooks.ContainsKey(name);

    /// <summary>The hooks on this hook point, in the order given (null when none).</summary>
    public IReadOnlyList<Hook>? HooksAt(string name) => _hooks.TryGetValue(name, out var list) ? list : null;

    /// <summary>Whether the cache records this hook point.</summary>
    public bool Caches(string name) => _cacheFilter != null && _cacheFilter(name);

    /// <summary>Runs the hooks on <paramref name="name"/>, then caches what comes out if the cache wants it.</summary>
    public Tensor Apply(string name, Tensor x)
    {
        x = RunHooks(name, x);
        if (Caches(name)) Store(name, x);
        return x;
    }

    /// <summary>
    /// Runs the hooks on <paramref name="name"/> (none: returns x). An activation the cache already holds (the same
    /// tensor flows on from resid_post to the next resid_pre) is copied first, so an in-place edit leaves the cache as
    /// each hook point saw it.
    /// </summary>
    public Tensor RunHooks(string name, Tensor x)
    {
        if (!_hooks.TryGetValue(name, out var hooks)) return x;
        if (Cache != null && Cache.Holds(x)) x = x.Clone();
        var point = new HookPoint(name, HookNames.LayerOf(name));
        foreach (var h in hooks)
        {
            var replaced = h.Function(x, point);
            if (replaced is null) continue;
            if (!replaced.Shape.AsSpan().SequenceEqual(x.Shape))
                throw new ArgumentException($"hook on '{name}' returned shape {replaced.ShapeString}, expected {x.ShapeString}");
            x = replaced;
        }
        return x;
    }

    /// <summary>Records <paramref name="x"/> as this hook point's activation (for an engine that copies it out itself).</summary>
    public void Store(string name, Tensor x) => Cache!.Store(name, x);

    private static string Suggest(string name, IReadOnlyCollection<string> valid)
    {
        var tail = name.Split('.').Last();
        var near = valid.Where(v => v.EndsWith(tail, StringComparison.Ordinal)).Take(3).ToList();
        return near.Count > 0 ? $" (did you mean {string.Join(", ", near)}?)" : "";
    }
}
