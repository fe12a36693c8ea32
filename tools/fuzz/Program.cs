using SharpFuzz;
using Verification.Fuzz;

// verification-fuzz TARGET            run under afl-fuzz (SharpFuzz out-of-process loop, input on stdin)
// verification-fuzz TARGET FILE...    run the given inputs once each (replay a crash or hang)
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: verification-fuzz {string.Join("|", FuzzTargets.All.Keys)} [FILE...]");
    return 2;
}
var dir = Directory.CreateTempSubdirectory("verification-fuzz-").FullName;
try
{
    if (args.Length > 1)
    {
        foreach (var file in args.Skip(1)) target(File.ReadAllBytes(file), dir);
        return 0;
    }
    Fuzzer.OutOfProcess.Run(stream =>
    {
        var ms = new MemoryStream();
        stream.CopyTo(ms);
        target(ms.ToArray(), dir);
    });
    return 0;
}
finally { try { Directory.Delete(dir, true); } catch (IOException) { } }
