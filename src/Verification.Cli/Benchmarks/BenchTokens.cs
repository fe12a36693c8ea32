using Verification.Experiments;
using Verification.Lens;

namespace Verification.Cli.Benchmarks;

/// <summary>The benchmark's inputs: BOS then uniform random non-BOS tokens (SeededRandom), written as int32 LE for the peer.</summary>
public static class BenchTokens
{
    public static Tokens Random(HookedTransformer model, int batch, int length, ulong seed)
    {
        int vocab = model.Config.DVocab, bos = model.BosTokenId ?? -1;
        var rng = new SeededRandom(seed);
        var ids = new int[batch * length];
        for (int b = 0; b < batch; b++)
            for (int p = 0; p < length; p++)
            {
                if (p == 0 && bos >= 0) { ids[b * length] = bos; continue; }
                // Uniform over the vocabulary without BOS: draw from vocab-1 values and skip over BOS.
                int t = rng.NextInt(bos >= 0 ? vocab - 1 : vocab);
                ids[b * length + p] = bos >= 0 && t >= bos ? t + 1 : t;
            }
        return new Tokens(ids, batch, length);
    }

    public static void Write(Tokens tokens, string path)
    {
        var bytes = new byte[tokens.Ids.Length * sizeof(int)];
        for (int i = 0; i < tokens.Ids.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), tokens.Ids[i]);
        File.WriteAllBytes(path, bytes);
    }
}
