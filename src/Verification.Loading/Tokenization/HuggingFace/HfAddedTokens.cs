using System.Text.Json;

namespace Verification.Loading.Tokenization.HuggingFace;

/// <summary>One entry of tokenizer.json "added_tokens".</summary>
internal sealed record HfAddedToken(int Id, string Content, bool Special, bool Normalized, bool LStrip, bool RStrip, bool SingleWord)
{
    public static HfAddedToken Parse(JsonElement e, HfJson json, string where)
    {
        string content = json.String(e, "content", where);
        if (content.Length == 0) throw json.Error($"{where}: empty \"content\"");
        if (content.Length > LoadLimits.AddedTokenChars)
            throw json.Error($"{where}: \"content\" is {content.Length} characters, over the {LoadLimits.AddedTokenChars}-character limit for an added token");
        return new(json.Int(e, "id", where), content, json.Bool(e, "special", false, where), json.Bool(e, "normalized", true, where),
                   json.Bool(e, "lstrip", false, where), json.Bool(e, "rstrip", false, where), json.Bool(e, "single_word", false, where));
    }
}

/// <summary>
/// Finds added tokens in text verbatim before BPE (leftmost match, longest on ties, as Hugging Face does), honouring
/// lstrip/rstrip (the token swallows neighbouring whitespace) and single_word (not inside a word). The tokens live in
/// a trie, so each position costs at most the longest token's length (bounded at load), not the number of tokens.
/// </summary>
internal sealed class HfAddedTokenMatcher
{
    private sealed class Node
    {
        public Dictionary<char, Node>? Next;
        public HfAddedToken? Token; // a token ends here
    }

    private readonly Node _root = new();

    public HfAddedTokenMatcher(IEnumerable<HfAddedToken> tokens)
    {
        foreach (var t in tokens)
        {
            var node = _root;
            foreach (char c in t.Content)
            {
                node.Next ??= new Dictionary<char, Node>();
                if (!node.Next.TryGetValue(c, out var child)) node.Next[c] = child = new Node();
                node = child;
            }
            node.Token ??= t; // the same content twice: the first wins, as the old first-char list did
            IsEmpty = false;
        }
    }

    public bool IsEmpty { get; private set; } = true;

    /// <summary>The text cut into runs of ordinary text (Token null) and added tokens.</summary>
    public List<(string Text, HfAddedToken? Token)> Split(string text)
    {
        var parts = new List<(string, HfAddedToken?)>();
        if (IsEmpty) { parts.Add((text, null)); return parts; }
        int textStart = 0;
        var candidates = new List<HfAddedToken>();
        for (int i = 0; i < text.Length; i++)
        {
            candidates.Clear();
            var node = _root;
            for (int j = i; j < text.Length && node.Next != null && node.Next.TryGetValue(text[j], out node); j++)
                if (node.Token != null) candidates.Add(node.Token);
            for (int c = candidates.Count - 1; c >= 0; c--) // longest first
            {
                var token = candidates[c];
                int end = i + token.Content.Length;
                if (token.SingleWord && (IsWordChar(text, i - 1) || IsWordChar(text, end))) continue;
                int matchStart = i;
                if (token.LStrip) while (matchStart > textStart && char.IsWhiteSpace(text[matchStart - 1])) matchStart--;
                if (token.RStrip) while (end < text.Length && char.IsWhiteSpace(text[end])) end++;
                if (matchStart > textStart) parts.Add((text[textStart..matchStart], null));
                parts.Add((token.Content, token));
                textStart = end;
                i = end - 1;
                break;
            }
        }
        if (textStart < text.Length) parts.Add((text[textStart..], null));
        return parts;
    }

    private static bool IsWordChar(string text, int i) =>
        i >= 0 && i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_');
}
