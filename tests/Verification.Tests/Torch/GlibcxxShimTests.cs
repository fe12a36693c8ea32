using Verification.Torch;

namespace Verification.Tests.Torch;

/// <summary>
/// The Debian 12 libstdc++ workaround: the ELF edit weakens exactly the GLIBCXX_3.4.32 requirement of a copy, the NuGet
/// cache's library is left as shipped, and once libtorch is loaded the versioned symbol resolves (from the system where it
/// is new enough, which then gets no shim, else from the shim).
/// </summary>
public class GlibcxxShimTests
{
    private static string CachedLibrary()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", GlibcxxShim.LibraryFile);
    }

    [Fact]
    public void Weakening_changes_only_that_version_flag_of_a_copy()
    {
        var original = CachedLibrary();
        File.Exists(original).Should().BeTrue($"TorchSharp's native library is restored at {original}");
        ElfVersionPatch.RequiresStrongly(original, GlibcxxShim.Version).Should().BeTrue("the shipped library needs GLIBCXX_3.4.32 and stays untouched");

        var copy = Path.Combine(Path.GetTempPath(), $"weak-{Guid.NewGuid():N}.so");
        File.Copy(original, copy);
        try
        {
            ElfVersionPatch.MakeWeak(copy, GlibcxxShim.Version).Should().BeTrue();
            ElfVersionPatch.RequiresStrongly(copy, GlibcxxShim.Version).Should().BeFalse();
            ElfVersionPatch.RequiresStrongly(copy, "GLIBCXX_3.4.30").Should().BeTrue("other requirements stay strong");
            var a = File.ReadAllBytes(original); var b = File.ReadAllBytes(copy);
            b.Length.Should().Be(a.Length);
            a.Zip(b).Count(p => p.First != p.Second).Should().Be(1, "one flag byte changes");
            ElfVersionPatch.MakeWeak(copy, "GLIBCXX_9.9.9").Should().BeFalse("a version it does not need is reported absent");
        }
        finally { File.Delete(copy); }
    }

    [Fact]
    public void After_loading_libtorch_the_symbol_resolves_and_the_shim_is_used_only_when_needed()
    {
        var note = TorchRuntime.EnsureLoaded();
        GlibcxxShim.SymbolResolves().Should().BeTrue("std::ios_base_library_init@GLIBCXX_3.4.32 comes from libstdc++ or the shim");
        if (GlibcxxShim.SystemHasVersion())
            note.Should().Contain("not needed");
        else
        {
            note.Should().Contain("loaded");
            ElfVersionPatch.RequiresStrongly(GlibcxxShim.FindLibTorchSharp()!, GlibcxxShim.Version).Should().BeFalse("the output folder's copy was weakened");
        }
        ElfVersionPatch.RequiresStrongly(CachedLibrary(), GlibcxxShim.Version).Should().BeTrue("the NuGet cache is never edited");
        using var t = TorchSharp.torch.ones(2, 2);
        t.sum().item<float>().Should().Be(4f, "libtorch computes");
    }
}
