using Verification.Claims.Framework;
using Verification.Hub;
using Verification.Loading.Datasets;

namespace Verification.Tests.Claims;

/// <summary>
/// A small dataset in Pile-10k's format for tests (the real one cannot be downloaded here): a Parquet file with a `text`
/// column holding the held-out English corpus cut into documents of about 1,500 characters at blank lines, in order, after
/// one short document (fewer than 127 tokens) that the published form's "documents with ≥ 127 tokens" must skip. Natural
/// text: repeats included.
/// </summary>
public static class PileStandIn
{
    public const string ShortDocument = "A document too short to make a window.";

    public static IReadOnlyList<string> Documents { get; } = Cut();

    private static readonly Lazy<string> ParquetFile = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"verification-pile-stand-in-{Environment.ProcessId}.parquet");
        ParquetText.Write(path, DatasetRegistry.Pile10k.TextColumn, Documents);
        return path;
    });

    /// <summary>The Parquet file (written once per test run).</summary>
    public static string File => ParquetFile.Value;

    public static byte[] Bytes => System.IO.File.ReadAllBytes(File);

    /// <summary>Pile-10k's registry entry re-pinned to these bytes: the real pull, resolve and integrity code then accepts them.</summary>
    public static DatasetEntry Entry => DatasetRegistry.Pile10k with
    {
        Files = [new HubFileSpec(DatasetRegistry.Pile10k.Files[0].Name, Bytes.Length, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Bytes)))],
    };

    /// <summary>A source that serves this file as Pile-10k.</summary>
    public static IDatasetSource Source { get; } = new FileSource();

    private sealed class FileSource : IDatasetSource
    {
        public DatasetDocuments? Open(DatasetEntry dataset, out string absent)
        {
            absent = "";
            return new DatasetDocuments($"a Pile-10k stand-in for tests ({Documents.Count} documents of fixtures/corpus/eval-english.txt)", ParquetText.Read(File, dataset.TextColumn));
        }
    }

    /// <summary>A source with no dataset, saying so as the hub cache would.</summary>
    public static IDatasetSource Absent { get; } = new NoSource();

    private sealed class NoSource : IDatasetSource
    {
        public DatasetDocuments? Open(DatasetEntry dataset, out string absent)
        {
            absent = $"dataset {dataset.Repo}@{dataset.Revision} is not available: not in the cache; run: verification datasets pull {dataset.Repo}";
            return null;
        }
    }

    private static List<string> Cut()
    {
        var paragraphs = System.IO.File.ReadAllText(RepoPaths.Fixture("corpus", "eval-english.txt")).Split("\n\n");
        var documents = new List<string> { ShortDocument };
        var current = new System.Text.StringBuilder();
        foreach (var p in paragraphs)
        {
            current.Append(p).Append("\n\n");
            if (current.Length < 1500) continue;
            documents.Add(current.ToString().Trim());
            current.Clear();
        }
        return documents;
    }
}
