using System.Security.Cryptography;
using System.Text;

namespace Verification.Claims.Framework;

/// <summary>
/// A model's content identity: SHA-256 over its config and weight files (names and bytes), so two folders with the same
/// name are told apart and a golden file can say which weights it was recorded on. Tokenizer files are left out: they do
/// not change what the weights compute.
/// </summary>
public static class ModelDigest
{
    private static readonly string[] WeightExtensions = { ".pth", ".pt", ".safetensors", ".bin" };

    /// <summary>"sha256:" + 16 hex digits of the combined hash, or null when the folder has no config or weights.</summary>
    public static string? Of(string directory)
    {
        var files = System.IO.Directory.GetFiles(directory)
            .Where(f => Path.GetFileName(f) == "config.json" || WeightExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal).ToList();
        if (files.Count == 0) return null;
        using var all = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            var sha = Convert.ToHexStringLower(SHA256.HashData(stream));
            all.AppendData(Encoding.UTF8.GetBytes($"{Path.GetFileName(file)}\0{sha}\n"));
        }
        return "sha256:" + Convert.ToHexStringLower(all.GetHashAndReset())[..16];
    }
}
