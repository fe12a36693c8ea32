namespace Verification.Lens.StandIns;

/// <summary>The sizes of a stand-in model; the defaults are the published models' (overridable so tests can write small ones).</summary>
public sealed record StandInShape(string Model, int Layers, int DModel, int Heads, int DHead, int NCtx, int DVocab, int DMlp)
{
    /// <summary>Published models a stand-in can be written for.</summary>
    public static readonly string[] Models = { "gpt2-small", "attn-only-2l" };

    public static StandInShape Published(string model) => model switch
    {
        // GPT-2 small as in Hugging Face's gpt2: 12 x 768, 12 heads, 1024 positions, 50257 tokens, MLP 4 x 768.
        "gpt2-small" => new(model, 12, 768, 12, 64, 1024, 50257, 3072),
        // TransformerLens attn-only-2l: 2 layers of 512, 8 heads of 64, 1024 positions, 48262 tokens, no MLP.
        "attn-only-2l" => new(model, 2, 512, 8, 64, 1024, 48262, 0),
        _ => throw new ArgumentException($"no stand-in for '{model}' (one of {string.Join(", ", Models)})"),
    };

    public bool IsGpt2 => Model == "gpt2-small";

    public long Parameters => StandInWriter.Tensors(this).Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b));

    /// <summary>Why these sizes cannot make a model, or null when they can.</summary>
    public string? Problem()
    {
        if (Layers < 1 || DModel < 1 || Heads < 1 || DHead < 1 || NCtx < 1 || DVocab < 1) return "every size must be at least 1";
        if (IsGpt2 && Heads * DHead != DModel) return $"GPT-2 needs heads x d_head = d_model ({Heads} x {DHead} != {DModel})";
        if (IsGpt2 && DMlp < 1) return "GPT-2 needs d_mlp at least 1";
        return null;
    }
}
