using Verification.Tensors;

namespace Verification.Lens.Hooks;

/// <summary>
/// The hooks and cache of one forward pass: every activation passes through <see cref="Apply"/>.
/// Public so another engine (<see cref="IForwardEngine"/>) runs the same hooks and fills the same cache.
/// </summary>
public sealed class ForwardContext
{
    private readonly Dictionary<string, List<HookFunction>> _hooks = new(StringComparer.Ordinal);
    private readonly Func<string, bool>? _cacheFilter;

    public ActivationCache? Cache { get; }

    public ForwardContext(IEnumerable<Hook>? hooks, Func<string, bool>? cacheFilter, IReadOnlyCollection<string> validNames)
    {
        foreach (var h in hooks ?? Array.Empty<Hook>())
        {
            if (!validNames.Contains(h.Name))
                throw new ArgumentException($"no hook point named '{h.Name}' in this model{Suggest(h.Name, validNames)}");
            if (!_hooks.TryGetValue(h.Name, out var list)) _hooks[h.Name] = list = new List<HookFunction>();
            list.Add(h.Function);
        }
        _cacheFilter = cacheFilter;
        if (cacheFilter != null) Cache = new ActivationCache();
    }

    /// <summary>Whether anything reads this activation (so optional ones, like per-head results, need computing).</summary>
    public bool Wants(string name) => _hooks.ContainsKey(name) || (_cacheFilter?.Invoke(name) ?? false);

    public bool HasHook(string name) => _hooks.ContainsKey(name);

    public Tensor Apply(string name, Tensor x)
    {
        if (_hooks.TryGetValue(name, out var fns))
        {
            var point = new HookPoint(name, HookNames.LayerOf(name));
            foreach (var fn in fns)
            {
                var replaced = fn(x, point);
                if (replaced is null) continue;
                if (!replaced.Shape.AsSpan().SequenceEqual(x.Shape))
                    throw new ArgumentException($"hook on '{name}' returned shape {replaced.ShapeString}, expected {x.ShapeString}");
                x = replaced;
            }
        }
        if (_cacheFilter != null && _cacheFilter(name)) Cache!.Store(name, x);
        return x;
    }

    private static string Suggest(string name, IReadOnlyCollection<string> valid)
    {
        var tail = name.Split('.').Last();
        var near = valid.Where(v => v.EndsWith(tail, StringComparison.Ordinal)).Take(3).ToList();
        return near.Count > 0 ? $" (did you mean {string.Join(", ", near)}?)" : "";
    }
}
