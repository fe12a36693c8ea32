using System.Text.RegularExpressions;

namespace Verification.Hub;

/// <summary>Validation of names that end up in URLs and cache paths, so a hostile answer cannot escape the cache.</summary>
internal static partial class RepoId
{
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")]
    private static partial Regex RepoPattern();

    [GeneratedRegex(@"^[0-9a-f]{40}$")]
    private static partial Regex CommitPattern();

    public static bool IsValidRepo(string repo) => RepoPattern().IsMatch(repo) && !repo.Contains("..");

    public static bool IsCommit(string revision) => CommitPattern().IsMatch(revision);

    public static void RequireRepo(string repo)
    {
        if (!IsValidRepo(repo)) throw new HubException($"invalid repository id '{repo}' (expected ORG/NAME or NAME)", badInput: true);
    }

    /// <summary>A revision is a branch/tag name or a commit; it names a refs/ file, so no path tricks.</summary>
    public static void RequireRevision(string revision)
    {
        if (revision.Length == 0 || revision.Contains("..") || revision.StartsWith('/') || revision.Contains('\\')
            || revision.Any(c => char.IsControl(c) || c == ' '))
            throw new HubException($"invalid revision '{revision}'", badInput: true);
    }

    /// <summary>A relative file path inside a repository: forward slashes, no "..", not rooted.</summary>
    public static bool IsSafeRelativePath(string path) =>
        path.Length > 0 && !path.StartsWith('/') && !path.Contains('\\') && !path.Contains(':')
        && path.Split('/').All(part => part.Length > 0 && part != "." && part != "..")
        && !path.Any(char.IsControl);

    public static void RequireSafeRelativePath(string repo, string path)
    {
        if (!IsSafeRelativePath(path)) throw new HubException($"{repo}: refusing unsafe file name '{path}'");
    }

    /// <summary>Escapes each path segment for a URL, keeping the slashes.</summary>
    public static string UrlPath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}
