using CsCheck;

namespace Verification.Tests.Properties;

/// <summary>
/// Runs a CsCheck generator over a fixed, documented sequence of seeds (PCG stream 16, seeds base..base+count-1), so a
/// property test checks the same inputs on every machine and run. A failure names the case's CsCheck seed: pass it to
/// <c>gen.Sample(check, seed: "...")</c> to replay it (and let CsCheck shrink it).
/// </summary>
internal static class SeededProperty
{
    private const uint Stream = 16;

    public static void ForAll<T>(Gen<T> gen, int count, ulong baseSeed, Action<T> check, Func<T, string> print)
    {
        for (int i = 0; i < count; i++)
        {
            var pcg = new PCG(Stream, baseSeed + (ulong)i);
            string seed = pcg.ToString();
            var value = gen.Generate(pcg, null, out _);
            try { check(value); }
            catch (Exception e)
            {
                string shown = print(value);
                throw new Xunit.Sdk.XunitException(
                    $"case {i} of {count} (CsCheck seed \"{seed}\") fails: {e.Message}\ninput: {(shown.Length > 2000 ? shown[..2000] + "..." : shown)}");
            }
        }
    }
}
