namespace Verification.Hub;

/// <summary>
/// What a hub repository holds. Models and datasets live side by side on the hub and in its cache, told apart by the URL
/// (<c>/api/datasets/</c>, <c>/datasets/REPO/resolve/</c>) and the cache folder's prefix (<c>datasets--ORG--NAME</c>), as
/// huggingface_hub lays them out.
/// </summary>
public enum RepoKind { Model, Dataset }

internal static class RepoKinds
{
    /// <summary>The cache folder prefix: "models--" or "datasets--".</summary>
    public static string CachePrefix(RepoKind kind) => kind == RepoKind.Dataset ? "datasets--" : "models--";

    /// <summary>The API segment: /api/models/... or /api/datasets/....</summary>
    public static string ApiSegment(RepoKind kind) => kind == RepoKind.Dataset ? "datasets" : "models";

    /// <summary>The path before REPO in a file URL: "" for models, "datasets/" for datasets.</summary>
    public static string ResolvePrefix(RepoKind kind) => kind == RepoKind.Dataset ? "datasets/" : "";

    /// <summary>The command that pulls a repository of this kind, for messages.</summary>
    public static string PullCommand(RepoKind kind) => kind == RepoKind.Dataset ? "verification datasets pull" : "verification models pull";
}
