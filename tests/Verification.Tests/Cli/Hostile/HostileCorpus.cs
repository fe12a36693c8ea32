using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Verification.Tests.Loading.TestSupport;

namespace Verification.Tests.Cli.Hostile;

/// <summary>
/// One hostile model directory (or argument list): built on demand in its own folder, so the corpus is generated,
/// never committed. <see cref="Expect"/> is a word the one error line must hold, so an unrelated error does not pass.
/// </summary>
public sealed record HostileCase(int Class, string Name, Func<string, string[]> Build, string Expect);

/// <summary>The hostile corpus, by the ten classes of issue 16. Sparse files, FIFOs and generators keep it small on disk.</summary>
public static class HostileCorpus
{
    public static readonly string[] ClassNames =
    {
        "", "unbounded reads", "pickle amplification", "zip bombs behind strided views", "regex backtracking",
        "added-token matching", "stack overflow (long tokens)", "stack traces (types, options, outputs)",
        "more than one line", "bad input hidden by run", "silently accepted",
    };

    private static string Gpt2 => RepoPaths.Fixture("gpt2-mini");
    private static string Tl => RepoPaths.Fixture("attn-only-2l-mini");
    private static string T5 => RepoPaths.Fixture("t5-tiny-relu");

    public static IEnumerable<HostileCase> Class(int n) => n switch
    {
        1 => UnboundedReads(), 2 => PickleAmplification(), 3 => ZipBombs(), 4 => Regexes(), 5 => AddedTokens(),
        6 => LongTokens(), 7 => StackTraces(), 8 => MoreThanOneLine(), 9 => HiddenByRun(), 10 => SilentlyAccepted(),
        _ => throw new ArgumentOutOfRangeException(nameof(n)),
    };

    // ---- helpers ----

    /// <summary>Links every file of a fixture into <paramref name="dir"/> except the ones the case replaces.</summary>
    private static void LinkBase(string dir, string fixture, params string[] except)
    {
        foreach (var f in Directory.EnumerateFiles(fixture))
        {
            var name = Path.GetFileName(f);
            if (except.Contains(name) || name is "train.log" or "training-curve.json") continue;
            File.CreateSymbolicLink(Path.Combine(dir, name), f);
        }
    }

    private static string[] Predict(string dir, string prompt = "hello world") => new[] { "predict", "--model", dir, "--prompt", prompt };

    private static string[] RunModel(string dir) => new[] { "run", "--model", dir, "--claim", "A1", "--out", Path.Combine(dir, "out") };

    /// <summary>tokenize and cache read config.json to tell a T5 (or Chronos) model from a decoder-only one.</summary>
    private static string[] Tokenize(string dir) => new[] { "tokenize", "--model", dir, "--series", "1,2,3" };

    private static void MkFifo(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("mkfifo", path) { UseShellExecute = false })!;
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("mkfifo failed");
    }

    private static void Sparse(string path, long length)
    {
        using var f = new FileStream(path, FileMode.Create, FileAccess.Write);
        f.Write("{\"a\":"u8);
        f.SetLength(length);
    }

    private static JsonObject Config(string fixture) => JsonNode.Parse(File.ReadAllText(Path.Combine(fixture, "config.json")))!.AsObject();

    private static void WriteConfig(string dir, JsonObject c) => File.WriteAllText(Path.Combine(dir, "config.json"), c.ToJsonString());

    private static string[] WithConfig(string dir, string fixture, Action<JsonObject> edit, Func<string, string[]>? args = null)
    {
        LinkBase(dir, fixture, "config.json");
        var c = Config(fixture);
        edit(c);
        WriteConfig(dir, c);
        return (args ?? (d => Predict(d)))(dir);
    }

    /// <summary>A tokenizer.json equivalent to the gpt2-mini vocab.json + merges.txt, for the caller to extend.</summary>
    private static JsonObject TokenizerJson()
    {
        var vocab = JsonNode.Parse(File.ReadAllText(Path.Combine(Gpt2, "vocab.json")))!;
        var merges = new JsonArray(File.ReadAllLines(Path.Combine(Gpt2, "merges.txt")).Where(l => l.Length > 0 && !l.StartsWith("#version", StringComparison.Ordinal))
                                       .Select(l => (JsonNode)JsonValue.Create(l)!).ToArray());
        return new JsonObject
        {
            ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = merges },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["use_regex"] = true },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel" },
        };
    }

    private static string[] WithTokenizerJson(string dir, JsonObject tokenizer, string prompt)
    {
        LinkBase(dir, Gpt2, "vocab.json", "merges.txt");
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), tokenizer.ToJsonString());
        return Predict(dir, prompt);
    }

    private static string[] WithPth(string dir, byte[] pth, Func<string, string[]>? args = null)
    {
        LinkBase(dir, Tl, "model_final.pth");
        File.WriteAllBytes(Path.Combine(dir, "model_final.pth"), pth);
        return (args ?? (d => Predict(d)))(dir);
    }

    private static byte[] Pth(params (string Name, TensorSpec T)[] tensors) =>
        PthWriter.Build(PickleWriter.StateDict(tensors), tensors.Select(t => t.T.Key).Distinct()
            .Select(k => (k, new byte[tensors.First(t => t.T.Key == k).T.StorageNumel * 4])));

    // ---- 1. unbounded reads ----
    private static IEnumerable<HostileCase> UnboundedReads()
    {
        foreach (var file in new[] { "config.json", "vocab.json", "merges.txt" })
        {
            yield return new(1, $"{file} -> /dev/zero", d => { LinkBase(d, Gpt2, file); File.CreateSymbolicLink(Path.Combine(d, file), "/dev/zero"); return Predict(d); }, "not a regular file");
            yield return new(1, $"{file} is a FIFO", d => { LinkBase(d, Gpt2, file); MkFifo(Path.Combine(d, file)); return Predict(d); }, "not a regular file");
            yield return new(1, $"{file} sparse 3 GB", d => { LinkBase(d, Gpt2, file); Sparse(Path.Combine(d, file), 3L << 30); return Predict(d); }, "limit");
        }
        yield return new(1, "tokenizer.json -> /dev/zero", d => { LinkBase(d, Gpt2, "vocab.json", "merges.txt"); File.CreateSymbolicLink(Path.Combine(d, "tokenizer.json"), "/dev/zero"); return Predict(d); }, "not a regular file");
        yield return new(1, "tokenizer.json is a FIFO", d => { LinkBase(d, Gpt2, "vocab.json", "merges.txt"); MkFifo(Path.Combine(d, "tokenizer.json")); return Predict(d); }, "not a regular file");
        yield return new(1, "tokenizer.json sparse 3 GB", d => { LinkBase(d, Gpt2, "vocab.json", "merges.txt"); Sparse(Path.Combine(d, "tokenizer.json"), 3L << 30); return Predict(d); }, "limit");
        yield return new(1, "model.safetensors -> /dev/zero", d => { LinkBase(d, Gpt2, "model.safetensors"); File.CreateSymbolicLink(Path.Combine(d, "model.safetensors"), "/dev/zero"); return Predict(d); }, "not a regular file");
        yield return new(1, "model.safetensors is a FIFO", d => { LinkBase(d, Gpt2, "model.safetensors"); MkFifo(Path.Combine(d, "model.safetensors")); return Predict(d); }, "not a regular file");
        yield return new(1, "model_final.pth is a FIFO", d => { LinkBase(d, Tl, "model_final.pth"); MkFifo(Path.Combine(d, "model_final.pth")); return Predict(d); }, "not a regular file");
        yield return new(1, "T5 config.json is a FIFO (tokenize)", d => { LinkBase(d, T5, "config.json"); MkFifo(Path.Combine(d, "config.json")); return Tokenize(d); }, "not a regular file");
        yield return new(1, "T5 config.json -> /dev/zero (cache)", d =>
        {
            LinkBase(d, T5, "config.json");
            File.CreateSymbolicLink(Path.Combine(d, "config.json"), "/dev/zero");
            return new[] { "cache", "--model", d, "--tokens", "1,2", "--out", Path.Combine(d, "cache.safetensors") };
        }, "not a regular file");
        yield return new(1, "T5 config.json sparse 3 GB (tokenize)", d => { LinkBase(d, T5, "config.json"); Sparse(Path.Combine(d, "config.json"), 3L << 30); return Tokenize(d); }, "limit");
        // run --model reads config.json (and a stand-in marker) to tell a stand-in from a user model, before loading it.
        yield return new(1, "config.json is a FIFO (run --model)", d => { LinkBase(d, Tl, "config.json"); MkFifo(Path.Combine(d, "config.json")); return RunModel(d); }, "not a regular file");
        yield return new(1, "stand-in marker -> /dev/zero (run --model)", d => { LinkBase(d, Tl); File.CreateSymbolicLink(Path.Combine(d, "stand-in"), "/dev/zero"); return RunModel(d); }, "not a regular file");
        yield return new(1, "model_final.pth -> /dev/zero", d => { LinkBase(d, Tl, "model_final.pth"); File.CreateSymbolicLink(Path.Combine(d, "model_final.pth"), "/dev/zero"); return Predict(d); }, "not a regular file");
    }

    // ---- 2. pickle amplification: a few hundred KB deflated, tens of MB of cheap container opcodes inflated ----
    private static IEnumerable<HostileCase> PickleAmplification()
    {
        var patterns = new (string Name, byte[] Unit)[]
        {
            ("EMPTY_DICT APPEND", "}a"u8.ToArray()), ("EMPTY_LIST APPEND", "]a"u8.ToArray()), ("EMPTY_TUPLE APPEND", ")a"u8.ToArray()),
            ("NONE APPEND", "Na"u8.ToArray()), ("NEWTRUE APPEND", new byte[] { 0x88, (byte)'a' }), ("BININT1 APPEND", new byte[] { (byte)'K', 1, (byte)'a' }),
            ("SHORT_BINUNICODE APPEND", new byte[] { 0x8c, 1, (byte)'x', (byte)'a' }), ("SHORT_BINBYTES APPEND", new byte[] { (byte)'C', 1, (byte)'x', (byte)'a' }),
            ("DUP APPEND (self-append)", "2a"u8.ToArray()), ("EMPTY_LIST DUP APPEND (nested)", "]2a"u8.ToArray()), ("MARK EMPTY_DICT APPENDS", "(}}}}e"u8.ToArray()),
        };
        foreach (var (name, unit) in patterns)
            yield return new(2, name, d =>
            {
                int reps = (48 << 20) / unit.Length;
                var pickle = new byte[3 + reps * unit.Length];
                pickle[0] = 0x80; pickle[1] = 2; pickle[2] = (byte)']';
                for (int i = 0; i < reps; i++) unit.CopyTo(pickle, 3 + i * unit.Length);
                return WithPth(d, PthWriter.Build(pickle, Array.Empty<(string, byte[])>(), compress: true));
            }, "pickle");
    }

    // ---- 3. zip bombs behind strided views: a deflated record of zeros that tiny views reach the end of ----
    private static IEnumerable<HostileCase> ZipBombs()
    {
        const long N = 80L << 20; // floats: 320 MB inflated, ~320 KB deflated
        var views = new (string Name, TensorSpec[] T)[]
        {
            ("last element by offset", new[] { new TensorSpec("0", N, N - 1, new long[] { 1 }, new long[] { 1 }) }),
            ("two elements, huge stride", new[] { new TensorSpec("0", N, 0, new long[] { 2 }, new long[] { N - 1 }) }),
            ("2x2 with row stride N/2", new[] { new TensorSpec("0", N, 0, new long[] { 2, 2 }, new long[] { N / 2, 1 }) }),
            ("three elements, stride N/3", new[] { new TensorSpec("0", N, 0, new long[] { 3 }, new long[] { (N - 1) / 3 }) }),
            ("offset in the middle", new[] { new TensorSpec("0", N, N / 2, new long[] { 4 }, new long[] { 1 }) }),
            ("ten views of one record", Enumerable.Range(0, 10).Select(i => new TensorSpec("0", N, N - 1 - i, new long[] { 1 }, new long[] { 1 })).ToArray()),
            ("scalar at the end", new[] { new TensorSpec("0", N, N - 1, Array.Empty<long>(), Array.Empty<long>()) }),
            ("column view", new[] { new TensorSpec("0", N, 0, new long[] { 8, 1 }, new long[] { N / 8, 1 }) }),
            ("3-d sparse view", new[] { new TensorSpec("0", N, 0, new long[] { 2, 2, 2 }, new long[] { N / 2, N / 4, 1 }) }),
            ("offset plus stride", new[] { new TensorSpec("0", N, N / 4, new long[] { 2 }, new long[] { N / 2 }) }),
        };
        foreach (var (name, specs) in views)
            yield return new(3, name, d =>
            {
                var pickle = PickleWriter.StateDict(specs.Select((t, i) => ($"w{i}", t)));
                return WithPth(d, BombArchive(pickle, N * 4));
            }, "inflate");
    }

    /// <summary>A torch.save zip whose storage record data/0 is <paramref name="bytes"/> zeros, deflated.</summary>
    private static byte[] BombArchive(byte[] pickle, long bytes)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var s = zip.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression).Open()) s.Write(pickle);
            using (var s = zip.CreateEntry("archive/data/0", CompressionLevel.Fastest).Open())
            {
                var zeros = new byte[1 << 20];
                for (long done = 0; done < bytes; done += zeros.Length) s.Write(zeros, 0, (int)Math.Min(zeros.Length, bytes - done));
            }
            using (var s = zip.CreateEntry("archive/version", CompressionLevel.NoCompression).Open()) s.Write("3\n"u8);
        }
        return ms.ToArray();
    }

    // ---- 4. catastrophic backtracking in tokenizer.json patterns ----
    private static IEnumerable<HostileCase> Regexes()
    {
        string prompt = new string('a', 40) + "!";
        var patterns = new[] { "(a+)+$", "(a|aa)+$", "(a*)*$", "([a-z]+)*$", "(\\w+\\w?)+$", "(a+)+b", "((a+)+)+$", "(a?a?)+$", "(a+a+)+$" };
        foreach (var pattern in patterns)
            yield return new(4, $"pre-tokenizer Split {pattern}", d =>
            {
                var t = TokenizerJson();
                t["pre_tokenizer"] = new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = pattern }, ["behavior"] = "Isolated", ["invert"] = false };
                return WithTokenizerJson(d, t, prompt);
            }, "timeout");
        yield return new(4, "normalizer Replace (a+)+$", d =>
        {
            var t = TokenizerJson();
            t["normalizer"] = new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["Regex"] = "(a+)+$" }, ["content"] = "" };
            return WithTokenizerJson(d, t, prompt);
        }, "timeout");
    }

    // ---- 5. many added tokens sharing a prefix, a long prompt: must stay fast (then the prompt overflows n_ctx) ----
    private static IEnumerable<HostileCase> AddedTokens()
    {
        var shapes = new (string Prefix, string Prompt)[]
        {
            ("aaaa", "a"), ("aaaa", "aaaab"), ("<|tok", "<|tok"), ("<|tok", "<"), ("##", "#"), ("xyxy", "xy"), ("[[[", "["), ("zz", "z"), ("  ", " "), ("ab", "abab"),
        };
        foreach (var (prefix, unit) in shapes)
            yield return new(5, $"50000 tokens '{prefix}N', prompt of '{unit}'", d =>
            {
                var t = TokenizerJson();
                t["added_tokens"] = new JsonArray(Enumerable.Range(0, 50_000).Select(i => (JsonNode)new JsonObject
                {
                    ["id"] = 5000 + i, ["content"] = prefix + i.ToString("D5"), ["special"] = true, ["normalized"] = false,
                }).ToArray());
                var prompt = new StringBuilder();
                while (prompt.Length < 120_000) prompt.Append(unit);
                return WithTokenizerJson(d, t, prompt.ToString());
            }, "context");
    }

    // ---- 6. very long vocabulary entries (the stackalloc-in-a-loop overflow) ----
    private static IEnumerable<HostileCase> LongTokens()
    {
        foreach (int length in new[] { 5_000, 100_000, 4_000_000 })
            foreach (char c in new[] { '€', 'a', '中' })
                yield return new(6, $"vocab.json token of {length} '{c}'", d =>
                {
                    LinkBase(d, Gpt2, "vocab.json");
                    var vocab = JsonNode.Parse(File.ReadAllText(Path.Combine(Gpt2, "vocab.json")))!.AsObject();
                    var last = vocab.First(kv => (int)kv.Value! == 4095).Key;
                    vocab.Remove(last);
                    vocab[new string(c, length)] = 4095;
                    File.WriteAllText(Path.Combine(d, "vocab.json"), vocab.ToJsonString());
                    return new[] { "predict", "--model", d, "--tokens", "4095" };
                }, "limit");
        yield return new(6, "merges.txt line of 5 M characters", d =>
        {
            LinkBase(d, Gpt2, "merges.txt");
            File.WriteAllText(Path.Combine(d, "merges.txt"), "#version: 0.2\n" + new string('€', 5_000_000) + " a\n");
            return Predict(d);
        }, "limit");
    }

    // ---- 7. stack traces: wrong JSON types, option overflows, unwritable outputs, no BOS ----
    private static IEnumerable<HostileCase> StackTraces()
    {
        foreach (var (field, value) in new (string, JsonNode)[]
                 { ("normalization_type", 5), ("act_fn", 3), ("positional_embedding_type", new JsonArray()), ("tokenizer_name", 7), ("original_architecture", new JsonObject()), ("attn_only", "yes"), ("default_prepend_bos", 1) })
            yield return new(7, $"config {field} = {value.ToJsonString()}", d => WithConfig(d, Tl, c => c[field] = value.DeepClone()), "config field");
        yield return new(7, "heads --length 1073741824", d => new[] { "heads", "--model", Gpt2, "--length", "1073741824" }, "positions");
        yield return new(7, "heads --batch 2147483647", d => new[] { "heads", "--model", Gpt2, "--batch", "2147483647", "--length", "4" }, "--batch");
        yield return new(7, "heads --batch 20000000", d => new[] { "heads", "--model", Gpt2, "--batch", "20000000", "--length", "4" }, "--batch");
        yield return new(7, "heads --batch 60000 --length 100", d => new[] { "heads", "--model", Gpt2, "--batch", "60000", "--length", "100" }, "GiB");
        yield return new(7, "heads --json DIR", d => new[] { "heads", "--model", Gpt2, "--length", "4", "--batch", "1", "--json", d }, "directory");
        yield return new(7, "predict --json DIR", d => new[] { "predict", "--model", Gpt2, "--prompt", "hi", "--json", d }, "directory");
        yield return new(7, "predict --json in a missing folder", d => new[] { "predict", "--model", Gpt2, "--prompt", "hi", "--json", Path.Combine(d, "no", "x.json") }, "does not exist");
        yield return new(7, "predict --json unwritable (/proc)", d => new[] { "predict", "--model", Gpt2, "--prompt", "hi", "--json", "/proc/version" }, "cannot be written");
        yield return new(7, "run --out an existing file", d => { var f = Path.Combine(d, "file"); File.WriteAllText(f, "x"); return new[] { "run", "--out", f, "--claim", "A1" }; }, "is a file");
        yield return new(7, "Chronos n_tokens 2147483647 (tokenize --series)", d => WithConfig(d, T5, c => c["chronos_config"] = JsonNode.Parse(
            """{"tokenizer_class":"MeanScaleUniformBins","n_tokens":2147483647,"n_special_tokens":2,"context_length":64,"prediction_length":8}"""),
            dd => new[] { "tokenize", "--model", dd, "--series", "1,2,3" }), "n_tokens");
        yield return new(7, "heads on a model with no BOS", d => WithConfig(d, Tl, c => { c.Remove("bos_token_id"); c["tokenizer_name"] = null; },
            dd => { File.Delete(Path.Combine(dd, "vocab.json")); File.Delete(Path.Combine(dd, "merges.txt")); return new[] { "heads", "--model", dd, "--length", "4", "--batch", "1" }; }), "BOS");
    }

    // ---- 8. more than one line: control characters from files, long values, raw JSON ----
    private static IEnumerable<HostileCase> MoreThanOneLine()
    {
        const string forged = "x\nerror: forged second line\r\n";
        yield return new(8, "newline in config activation_function", d => WithConfig(d, Gpt2, c => c["activation_function"] = forged), "act_fn");
        yield return new(8, "newline in config normalization_type", d => WithConfig(d, Tl, c => c["normalization_type"] = forged), "normalization_type");
        yield return new(8, "newline in config positional_embedding_type", d => WithConfig(d, Tl, c => c["positional_embedding_type"] = forged), "positional");
        yield return new(8, "newline in model_type", d => WithConfig(d, Tl, c => { c.Remove("n_layers"); c.Remove("d_model"); c["model_type"] = forged; }), "model_type");
        yield return new(8, "raw JSON echoed (n_layers object)", d => WithConfig(d, Tl, c => c["n_layers"] = new JsonObject { ["a"] = forged + new string('y', 10000) }), "n_layers");
        yield return new(8, "newline in a tensor name (duplicate key)", d => WithPth(d, Pth(($"w{forged}", TensorSpec.Contiguous("0", 2)), ($"w{forged}", TensorSpec.Contiguous("1", 2)))), "twice");
        yield return new(8, "newline in a storage key", d => WithPth(d, PthWriter.Build(PickleWriter.StateDict(new[] { ("w", TensorSpec.Contiguous("k\nerror: x", 2)) }), Array.Empty<(string, byte[])>())), "storage");
        yield return new(8, "newline in a pickle global", d => WithPth(d, PthWriter.Build(new PickleWriter().Proto().Op(0x8c).Raw(9).Raw("evil\nmod\r"u8.ToArray()).Op(0x8c).Raw(4).Raw("x\ny\n"u8.ToArray()).Op(0x93).Stop().ToArray(), Array.Empty<(string, byte[])>())), "global");
        yield return new(8, "merges line of 50 MB echoed", d =>
        {
            LinkBase(d, Gpt2, "merges.txt");
            File.WriteAllText(Path.Combine(d, "merges.txt"), "#version: 0.2\n" + new string('q', 50_000_000) + "\n");
            return Predict(d);
        }, "merges.txt");
        yield return new(8, "newline in --tokens", d => new[] { "predict", "--model", Gpt2, "--tokens", "1,x\nerror: forged" }, "--tokens");
        yield return new(8, "newline in a vocab.json token with a bad id", d =>
        {
            LinkBase(d, Gpt2, "vocab.json");
            File.WriteAllText(Path.Combine(d, "vocab.json"), JsonSerializer.Serialize(new Dictionary<string, object> { [forged] = "nope" }));
            return Predict(d);
        }, "vocab.json");
    }

    // ---- 9. run --model on a broken model must be exit 2, not "not run" ----
    private static IEnumerable<HostileCase> HiddenByRun()
    {
        long length = new FileInfo(Path.Combine(Tl, "model_final.pth")).Length;
        foreach (double fraction in new[] { 0.0001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.9999 })
            yield return new(9, $"run --model with model_final.pth cut at {fraction:P2}", d =>
            {
                LinkBase(d, Tl, "model_final.pth");
                using (var src = File.OpenRead(Path.Combine(Tl, "model_final.pth")))
                using (var dst = File.Create(Path.Combine(d, "model_final.pth")))
                {
                    var buf = new byte[(long)(length * fraction)];
                    src.ReadExactly(buf);
                    dst.Write(buf);
                }
                return new[] { "run", "--model", d, "--claim", "A1", "--out", Path.Combine(d, "out") };
            }, "model_final.pth");
        yield return new(9, "run --model with a config of the wrong type", d => WithConfig(d, Tl, c => c["n_ctx"] = "big", dd => new[] { "run", "--model", dd, "--claim", "A1", "--out", Path.Combine(dd, "out") }), "n_ctx");
        yield return new(9, "run --model with NaN weights", d =>
        {
            LinkBase(d, Gpt2, "model.safetensors");
            var bytes = File.ReadAllBytes(Path.Combine(Gpt2, "model.safetensors"));
            long headerLength = BitConverter.ToInt64(bytes, 0);
            for (long i = 8 + headerLength; i + 4 <= bytes.Length; i += 4) BitConverter.GetBytes(float.NaN).CopyTo(bytes, i);
            File.WriteAllBytes(Path.Combine(d, "model.safetensors"), bytes);
            return new[] { "run", "--model", d, "--claim", "A1", "--out", Path.Combine(d, "out") };
        }, "finite");
    }

    // ---- 10. silently accepted before: each now refused by a stated rule ----
    private static IEnumerable<HostileCase> SilentlyAccepted()
    {
        yield return new(10, "overlapping strides [4,4]/[1,1]", d => WithPth(d, Pth(("w", new TensorSpec("0", 16, 0, new long[] { 4, 4 }, new long[] { 1, 1 })))), "overlap");
        yield return new(10, "overlapping strides [3,3]/[2,1]", d => WithPth(d, Pth(("w", new TensorSpec("0", 16, 0, new long[] { 3, 3 }, new long[] { 2, 1 })))), "overlap");
        yield return new(10, "overlapping strides [2,2,2]/[2,1,1]", d => WithPth(d, Pth(("w", new TensorSpec("0", 16, 0, new long[] { 2, 2, 2 }, new long[] { 2, 1, 1 })))), "overlap");
        yield return new(10, "storage record size disagrees with its dtype", d => WithPth(d, PthWriter.Build(
            PickleWriter.StateDict(new[] { ("w", TensorSpec.Contiguous("0", 6) with { StorageClass = "HalfStorage" }) }), new[] { ("0", new byte[24]) })), "declares");
        yield return new(10, "one record, two dtypes", d => WithPth(d, PthWriter.Build(
            PickleWriter.StateDict(new[] { ("w", TensorSpec.Contiguous("0", 6)), ("v", TensorSpec.Contiguous("0", 6) with { StorageClass = "HalfStorage" }) }), new[] { ("0", new byte[24]) })), "declared as");
        yield return new(10, "encrypted data.pkl entry", d => WithPth(d, Encrypt(PthWriter.SmallStateDict(), "archive/data.pkl")), "encrypted");
        yield return new(10, "encrypted storage entry", d => WithPth(d, Encrypt(PthWriter.SmallStateDict(), "archive/data/0")), "encrypted");
        yield return new(10, "eps 1e400 (infinite)", d => WithConfig(d, Tl, c => c["eps"] = JsonNode.Parse("1e400")), "finite");
        yield return new(10, "layer_norm_epsilon 1e400", d => WithConfig(d, Gpt2, c => c["layer_norm_epsilon"] = JsonNode.Parse("1e400")), "finite");
        yield return new(10, "T5 layer_norm_epsilon 1e400", d => WithConfig(d, T5, c => c["layer_norm_epsilon"] = JsonNode.Parse("1e400"), Tokenize), "finite");
        yield return new(10, "eps 0", d => WithConfig(d, Tl, c => c["eps"] = 0), "eps");
        yield return new(10, "eps negative", d => WithConfig(d, Tl, c => c["eps"] = -1), "eps");
        yield return new(10, "all-NaN weights", d =>
        {
            LinkBase(d, Gpt2, "model.safetensors");
            var bytes = File.ReadAllBytes(Path.Combine(Gpt2, "model.safetensors"));
            long headerLength = BitConverter.ToInt64(bytes, 0);
            for (long i = 8 + headerLength; i + 4 <= bytes.Length; i += 4) BitConverter.GetBytes(float.NaN).CopyTo(bytes, i);
            File.WriteAllBytes(Path.Combine(d, "model.safetensors"), bytes);
            return Predict(d);
        }, "finite");
        yield return new(10, "infinite weights", d =>
        {
            LinkBase(d, Gpt2, "model.safetensors");
            var bytes = File.ReadAllBytes(Path.Combine(Gpt2, "model.safetensors"));
            long headerLength = BitConverter.ToInt64(bytes, 0);
            BitConverter.GetBytes(float.PositiveInfinity).CopyTo(bytes, 8 + headerLength + 64);
            File.WriteAllBytes(Path.Combine(d, "model.safetensors"), bytes);
            return Predict(d);
        }, "finite");
    }

    /// <summary>Sets the "encrypted" flag (general purpose bit 0) of one entry in its local and central headers.</summary>
    private static byte[] Encrypt(byte[] zip, string entry)
    {
        var name = Encoding.ASCII.GetBytes(entry);
        for (int i = 0; i + 46 < zip.Length; i++)
        {
            uint sig = BitConverter.ToUInt32(zip, i);
            if (sig == 0x04034b50 && zip.AsSpan(i + 30, Math.Min(name.Length, zip.Length - i - 30)).SequenceEqual(name) && BitConverter.ToUInt16(zip, i + 26) == name.Length)
                zip[i + 6] |= 1;
            if (sig == 0x02014b50 && zip.AsSpan(i + 46, Math.Min(name.Length, zip.Length - i - 46)).SequenceEqual(name) && BitConverter.ToUInt16(zip, i + 28) == name.Length)
                zip[i + 8] |= 1;
        }
        return zip;
    }
}
