namespace Verification.Lens.T5;

/// <summary>
/// T5's relative position buckets, as Hugging Face's T5Attention._relative_position_bucket computes them: the log
/// branch in float32 and truncated toward zero by .to(long), which is where ports that use double or rounding differ.
/// </summary>
public static class RelativePositionBucket
{
    /// <param name="relativePosition">key position − query position</param>
    public static int Of(int relativePosition, bool bidirectional, int numBuckets, int maxDistance)
    {
        int buckets = 0, n = numBuckets, rp = relativePosition;
        if (bidirectional)
        {
            n /= 2;
            if (rp > 0) buckets += n;
            rp = Math.Abs(rp);
        }
        else
        {
            rp = -Math.Min(rp, 0);
        }
        int maxExact = n / 2;
        if (rp < maxExact) return buckets + rp;
        // torch: log(rp.float() / max_exact) / math.log(max_distance / max_exact) * (n - max_exact), all float32.
        float ratio = (float)rp / maxExact;
        float scaled = MathF.Log(ratio) / (float)Math.Log((double)maxDistance / maxExact) * (n - maxExact);
        int large = maxExact + (int)scaled;
        return buckets + Math.Min(large, n - 1);
    }
}
