using System.Diagnostics;
using System.Text;
using Verification.Fuzz;
using Verification.Tests.Loading.TestSupport;

namespace Verification.Tests.Loading;

/// <summary>
/// The CI smoke of the fuzz targets (tools/fuzz/FuzzTargets.cs, compiled in): each target runs its seed and a few
/// hundred seeded mutations of it in process, and every input AFL++ ever saved as a crash or hang is replayed.
/// Only ModelFormatException may come out (the targets swallow it); anything else fails the test.
/// </summary>
public sealed class FuzzSmokeTests
{
    private static byte[] Seed(string target) => target switch
    {
        "safetensors" => SafetensorsBytes.Small(),
        "torch-zip" => PthWriter.SmallStateDict(),
        "config" => File.ReadAllBytes(RepoPaths.Fixture("gpt2-mini", "config.json")),
        "tokenizer-json" => Encoding.UTF8.GetBytes(
            "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1,\"ab\":2,\"Ġ\":3},\"merges\":[\"a b\"]},\"pre_tokenizer\":{\"type\":\"ByteLevel\",\"add_prefix_space\":false}," +
            "\"decoder\":{\"type\":\"ByteLevel\"},\"added_tokens\":[{\"id\":4,\"content\":\"<|endoftext|>\",\"special\":true}]}"),
        "bpe-files" => Encoding.UTF8.GetBytes("{\"a\":0,\"b\":1,\"ab\":2}\0#version: 0.2\na b\n"),
        _ => throw new ArgumentException(target),
    };

    public static IEnumerable<object[]> Targets => FuzzTargets.All.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Targets))]
    public void SeedAndMutationsOnlyEverFailAsBadInput(string target)
    {
        var run = FuzzTargets.All[target];
        using var tmp = new TempFiles();
        var rng = new Random(16);
        var seed = Seed(target);
        var clock = Stopwatch.StartNew();
        run(seed, tmp.Dir);
        for (int i = 0; i < 300; i++) run(Mutate(seed, rng), tmp.Dir);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{target}: 300 mutations took {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void SavedFuzzFindingsStayFixed(string target)
    {
        var dir = Path.Combine(RepoPaths.Root, "tests", "Verification.Tests", "Loading", "FuzzRegressions", target);
        using var tmp = new TempFiles();
        foreach (var file in Directory.Exists(dir) ? Directory.GetFiles(dir) : Array.Empty<string>())
        {
            var clock = Stopwatch.StartNew();
            FuzzTargets.All[target](File.ReadAllBytes(file), tmp.Dir);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{file} took {clock.Elapsed.TotalSeconds:F1} s");
        }
    }

    /// <summary>AFL-like havoc: bit flips, byte sets, interesting values, cuts, duplications.</summary>
    private static byte[] Mutate(byte[] seed, Random rng)
    {
        var b = new List<byte>(seed);
        int edits = 1 + rng.Next(8);
        for (int e = 0; e < edits && b.Count > 0; e++)
        {
            int at = rng.Next(b.Count);
            switch (rng.Next(6))
            {
                case 0: b[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: b[at] = (byte)rng.Next(256); break;
                case 2: b[at] = new byte[] { 0, 0xff, 0x7f, 0x80, (byte)'"', (byte)'\n', (byte)'{', (byte)'[' }[rng.Next(8)]; break;
                case 3: b.RemoveRange(at, Math.Min(b.Count - at, 1 + rng.Next(16))); break;
                case 4: b.InsertRange(at, b.GetRange(at, Math.Min(b.Count - at, 1 + rng.Next(32)))); break;
                default: b.RemoveRange(at, b.Count - at); break;
            }
        }
        return b.ToArray();
    }
}
