namespace Verification.Loading;

/// <summary>
/// The stated limits every loader enforces, so a hostile file costs bounded memory and time. Each default is far
/// above any real model's need; people with truly large files scale them all with VERIFICATION_LIMIT_SCALE=N.
/// </summary>
public static class LoadLimits
{
    /// <summary>Multiplier from $VERIFICATION_LIMIT_SCALE (1 when unset or invalid).</summary>
    public static long Scale { get; } =
        long.TryParse(Environment.GetEnvironmentVariable("VERIFICATION_LIMIT_SCALE"), out long s) && s is >= 1 and <= 1 << 20 ? s : 1;

    /// <summary>config.json: real ones are a few KB.</summary>
    public static long ConfigBytes => 1L * 1024 * 1024 * Scale;
    /// <summary>vocab.json, merges.txt: GPT-2's are 1 MB and 0.5 MB.</summary>
    public static long VocabularyBytes => 64L * 1024 * 1024 * Scale;
    /// <summary>tokenizer.json: the largest published ones are ~20 MB.</summary>
    public static long TokenizerJsonBytes => 128L * 1024 * 1024 * Scale;
    /// <summary>One line of merges.txt, or one vocabulary token.</summary>
    public static int TokenChars => (int)Math.Min(int.MaxValue / 2, 4096L * Scale);
    /// <summary>An added token's content (they are short marker strings).</summary>
    public static int AddedTokenChars => (int)Math.Min(int.MaxValue / 2, 1024L * Scale);
    /// <summary>data.pkl inflated: a state dict's pickle is kilobytes.</summary>
    public static long PickleBytes => 64L * 1024 * 1024 * Scale;
    /// <summary>Objects a pickle may create in total (pushes, container items): a state dict needs ~30 per tensor.</summary>
    public static long PickleObjects => 1L * 1024 * 1024 * Scale;
    /// <summary>Storage bytes inflated from a checkpoint, as a multiple of its file size (torch.save stores records uncompressed).</summary>
    public static long InflationFactor => 16 * Scale;
    /// <summary>Regex match timeout for tokenizer.json patterns.</summary>
    public static TimeSpan RegexTimeout => TimeSpan.FromSeconds(Math.Min(600, 2 * Scale));
}
