using Verification.Hub;
using Verification.Loading.Datasets;

namespace Verification.Claims.Framework;

/// <summary>A dataset's documents as a claim reads them: where they came from, and the text column's values in file order.</summary>
public sealed record DatasetDocuments(string Description, IEnumerable<string> Texts);

/// <summary>Where a published-form claim finds the dataset its document used (G2, G3: Pile-10k). Tests supply their own.</summary>
public interface IDatasetSource
{
    /// <summary>The dataset's documents, or null with why (absent, corrupted: the message says what to run).</summary>
    DatasetDocuments? Open(DatasetEntry dataset, out string absent);
}

/// <summary>
/// The Hugging Face cache (HF_HOME, HF_HUB_CACHE), as `verification datasets pull` fills it: a dataset is read only at its
/// pinned commit and only when every file matches its pinned size and SHA-256 (<see cref="DatasetResolver"/>).
/// </summary>
public sealed class HubCacheDatasets(HubSettings? settings = null) : IDatasetSource
{
    public DatasetDocuments? Open(DatasetEntry dataset, out string absent)
    {
        var target = new DatasetTarget(dataset.Name, dataset.Repo, dataset.Revision, dataset);
        string directory;
        IReadOnlyList<string> files;
        try { (directory, files) = DatasetResolver.Resolve(target, settings ?? HubSettings.FromEnvironment()); }
        catch (HubException e)
        {
            absent = e.Message;
            return null;
        }
        absent = "";
        var parquet = files.Where(f => f.EndsWith(".parquet", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        return new DatasetDocuments($"{dataset.Repo}@{dataset.Revision[..8]} ({string.Join(", ", parquet)}, column '{dataset.TextColumn}')",
            parquet.SelectMany(f => ParquetText.Read(Path.Combine(directory, f), dataset.TextColumn)));
    }
}
