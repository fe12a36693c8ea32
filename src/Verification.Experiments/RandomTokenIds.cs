namespace Verification.Experiments;

/// <summary>
/// Uniform token ids over a vocabulary with one id (the BOS token) left out, so random filler never draws BOS:
/// r uniform in [0, V − 1), then ids at or above BOS shift up by one.
/// </summary>
public sealed class RandomTokenIds
{
    public int Vocab { get; }
    public int? Excluded { get; }

    public RandomTokenIds(int vocab, int? excluded)
    {
        if (vocab < 2) throw new ArgumentException($"a vocabulary of {vocab} tokens is too small to draw from", nameof(vocab));
        if (excluded is { } e && (uint)e >= (uint)vocab) throw new ArgumentException($"excluded token {e} is outside the vocabulary of {vocab}", nameof(excluded));
        Vocab = vocab;
        Excluded = excluded;
    }

    /// <summary>How many ids can be drawn.</summary>
    public int Count => Excluded == null ? Vocab : Vocab - 1;

    public int Next(SeededRandom rng)
    {
        int r = rng.NextInt(Count);
        return Excluded is { } e && r >= e ? r + 1 : r;
    }

    /// <summary>Whether <paramref name="id"/> is one this sampler could draw.</summary>
    public bool Contains(int id) => (uint)id < (uint)Vocab && id != Excluded;

    public string Describe() => Excluded is { } e ? $"uniform over ids [0, {Vocab}) except BOS {e}" : $"uniform over ids [0, {Vocab})";
}
