using System.Collections;
using Verification.Lens.Hooks;
using Verification.Tensors;

namespace Verification.Lens;

/// <summary>Activations recorded during one forward pass, by TransformerLens hook name (only the names asked for).</summary>
public sealed class ActivationCache : IReadOnlyDictionary<string, Tensor>
{
    private readonly Dictionary<string, Tensor> _items = new(StringComparer.Ordinal);

    private readonly HashSet<Tensor> _held = new(ReferenceEqualityComparer.Instance);

    internal void Store(string name, Tensor value) { _items[name] = value; _held.Add(value); }

    /// <summary>Whether this very tensor object is cached (under any name).</summary>
    internal bool Holds(Tensor t) => _held.Contains(t);

    public Tensor this[string name] => _items.TryGetValue(name, out var t)
        ? t
        : throw new KeyNotFoundException($"activation '{name}' is not in the cache (cached: {(_items.Count == 0 ? "none" : string.Join(", ", _items.Keys.Take(8)) + (_items.Count > 8 ? ", ..." : ""))})");

    public Tensor Pattern(int layer) => this[HookNames.Pattern(layer)];
    public Tensor ResidPre(int layer) => this[HookNames.ResidPre(layer)];
    public Tensor ResidPost(int layer) => this[HookNames.ResidPost(layer)];
    public Tensor Z(int layer) => this[HookNames.Z(layer)];

    public IEnumerable<string> Keys => _items.Keys;
    public IEnumerable<Tensor> Values => _items.Values;
    public int Count => _items.Count;
    public bool ContainsKey(string key) => _items.ContainsKey(key);
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Tensor value) => _items.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Bytes held by the cached tensors.</summary>
    public long Bytes => _items.Values.Sum(t => (long)t.Length * sizeof(float));
}
