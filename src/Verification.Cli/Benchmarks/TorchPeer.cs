using System.Diagnostics;
using System.Text.Json.Nodes;
using Verification.Lens;

namespace Verification.Cli.Benchmarks;

/// <summary>
/// Runs tools/bench/torch_peer.py: the same model in PyTorch from the same files, on the same tokens, batch, dtype and
/// thread count. A benchmark peer only: nothing in the product needs Python or torch.
/// </summary>
public static class TorchPeer
{
    /// <summary>Debian's python3-torch lives in the system Python, not in a pyenv python3 on PATH.</summary>
    public const string DefaultPython = "/usr/bin/python3";
    public const string ScriptPath = "tools/bench/torch_peer.py";

    /// <param name="Result">The peer's JSON (modes, patching_sweep, full_cache memory, torch_version).</param>
    /// <param name="LastLogits">The peer's no-cache logits at the last position, [batch·d_vocab].</param>
    public sealed record Run(JsonObject Result, float[] LastLogits);

    /// <summary>Why the peer cannot run here (no Python, no torch, no script), or null when it can.</summary>
    public static string? Unavailable(string python)
    {
        if (FindScript() is null) return $"{ScriptPath} not found above {Environment.CurrentDirectory} or {AppContext.BaseDirectory}";
        try
        {
            var (code, _, error) = Execute(python, new[] { "-c", "import torch, numpy" }, TimeSpan.FromSeconds(60));
            return code == 0 ? null : $"{python} cannot import torch and numpy ({error.Trim().Split('\n').LastOrDefault()})";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{python} cannot be started ({e.Message})";
        }
    }

    public static Run Execute(string python, string modelDirectory, Tokens clean, Tokens corrupt, BenchSettings s)
    {
        var script = FindScript() ?? throw new FileNotFoundException($"{ScriptPath} not found");
        var dir = Directory.CreateTempSubdirectory("verification-bench-").FullName;
        try
        {
            string Temp(string name) => Path.Combine(dir, name);
            BenchTokens.Write(clean, Temp("tokens.bin"));
            BenchTokens.Write(corrupt, Temp("corrupt.bin"));
            var args = new[]
            {
                script, "--model", Path.GetFullPath(modelDirectory), "--tokens", Temp("tokens.bin"), "--corrupt", Temp("corrupt.bin"),
                "--batch", clean.Batch.ToString(), "--seq", clean.Length.ToString(), "--threads", s.Threads.ToString(),
                "--reps", s.Repetitions.ToString(), "--sweep-reps", s.SweepRepetitions.ToString(),
                "--modes", string.Join(",", BenchModes.All.Where(s.Measures)),
                "--out", Temp("peer.json"), "--logits", Temp("logits.bin"),
            };
            var (code, _, error) = Execute(python, args, TimeSpan.FromMinutes(30));
            if (code != 0) throw new InvalidOperationException($"the PyTorch peer failed (exit {code}): {error.Trim()}");
            var result = JsonNode.Parse(File.ReadAllText(Temp("peer.json")))!.AsObject();
            var bytes = File.ReadAllBytes(Temp("logits.bin"));
            var logits = new float[bytes.Length / sizeof(float)];
            Buffer.BlockCopy(bytes, 0, logits, 0, bytes.Length);
            return new Run(result, logits);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Per measure, the faster of two peer runs (the rates live under each measure's tokens_per_s or forwards_per_s).</summary>
    public static JsonObject Best(JsonObject a, JsonObject b)
    {
        var best = (JsonObject)a.DeepClone();
        foreach (var (key, node) in b)
        {
            if (node is not JsonObject measure || best[key] is not JsonObject kept) continue;
            string rate = measure.ContainsKey("tokens_per_s") ? "tokens_per_s" : "forwards_per_s";
            if (measure[rate] is { } r && kept[rate] is { } k && r.GetValue<double>() > k.GetValue<double>())
            {
                var merged = (JsonObject)measure.DeepClone();
                // Memory is measured once per run and is not a rate: keep the first run's.
                foreach (var extra in kept.Where(e => !merged.ContainsKey(e.Key)).ToList()) merged[extra.Key] = extra.Value?.DeepClone();
                best[key] = merged;
            }
        }
        return best;
    }

    private static string? FindScript()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, ScriptPath))) return Path.Combine(d.FullName, ScriptPath);
        return null;
    }

    private static (int Code, string Out, string Error) Execute(string file, IEnumerable<string> args, TimeSpan limit)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(limit))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} ran longer than {limit}");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
