namespace Verification.Hub;

/// <summary>
/// A published dataset the claims read, pinned: the repository, the commit (<see cref="Revision"/>), each file's size and
/// SHA-256 at that commit, and the column that holds the text.
/// </summary>
public sealed record DatasetEntry(string Name, string Repo, string Revision, IReadOnlyList<HubFileSpec> Files, string TextColumn, string Description);

/// <summary>The datasets claims run on, pulled with <c>verification datasets pull NAME</c> (or its ORG/REPO).</summary>
public static class DatasetRegistry
{
    /// <summary>
    /// NeelNanda/pile-10k: the first 10,000 documents of the Pile, the text the GPT-2 document ran G2 on (batch 1, 128
    /// tokens). Pinned at commit 273ffb1b ("Delete data/train-00000-of-00001-2ec79ddc769136f4.parquet"), whose one data
    /// file is the Parquet file added in 2fd62b96 (its Git LFS pointer gives the size and SHA-256 below).
    /// </summary>
    public static DatasetEntry Pile10k { get; } = new("pile-10k", "NeelNanda/pile-10k", "273ffb1b01cc743830c260bb42b2492b2137df2e",
        [new("data/train-00000-of-00001-4746b8785c874cc7.parquet", 33_262_901, "a1a9475a8684ac8f1b17a36eccb2ec49c127edd7aae9beb2f240726972d93f31")],
        "text", "the first 10,000 documents of the Pile (Parquet, column 'text'); the text of G2 and G3 on gpt2-small");

    public static IReadOnlyList<DatasetEntry> All { get; } = [Pile10k];

    /// <summary>The entry named <paramref name="nameOrRepo"/> (its short name or its ORG/REPO, case-insensitive), or null.</summary>
    public static DatasetEntry? Find(string nameOrRepo) =>
        All.FirstOrDefault(e => string.Equals(e.Name, nameOrRepo, StringComparison.OrdinalIgnoreCase)
                                || string.Equals(e.Repo, nameOrRepo, StringComparison.OrdinalIgnoreCase));
}
