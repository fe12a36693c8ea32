using Verification.Lens;
using Verification.Lens.Hooks;

namespace Verification.Tests.Lens;

/// <summary>The README's C# example, kept compiling and running (llm.c's ReadMeTest idea): change both together.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void The_readme_example_runs_and_patching_a_head_changes_the_logits()
    {
        var tokens = Tokens.Single(new[] { 4095, 464, 479, 278, 531, 284, 262 });
        var corrupted = Tokens.Single(new[] { 4095, 464, 479, 278, 531, 284, 257 });

        var model = ModelLoader.Load(RepoPaths.Fixture("attn-only-2l-mini"));                 // fold_ln, centring, as from_pretrained does
        var (logits, cache) = model.RunWithCache(tokens, name => name.EndsWith("hook_pattern"));
        var pattern = cache["blocks.1.attn.hook_pattern"];                                       // [batch, head, q, k]
        var (_, cleanCache) = model.RunWithCache(tokens, name => name == "blocks.0.attn.hook_z");
        var patched = model.RunWithHooks(corrupted, Patch.Head("blocks.0.attn.hook_z", head: 3, source: cleanCache["blocks.0.attn.hook_z"]));

        pattern.Shape.Should().Equal(1, 8, 7, 7);
        logits.Shape.Should().Equal(1, 7, 4096);
        cache.Keys.Should().OnlyContain(k => k.EndsWith("hook_pattern"));
        var plain = model.Forward(corrupted);
        patched.Data.Should().NotEqual(plain.Data, "patching L0H3's output from the clean run changes the corrupted run's logits");
    }
}
