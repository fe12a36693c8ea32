using System.Buffers.Binary;
using System.Text;
using Verification.Loading.Safetensors;

namespace Verification.Loading.Torch;

/// <summary>
/// A pickle reader for torch.save state dicts that executes nothing: it understands the opcodes of protocols 2..5
/// that state dicts use, builds only plain data (see PickleValues.cs), and accepts only the globals a state dict
/// needs (OrderedDict, the tensor/parameter rebuild functions, torch storage classes). Any other global or opcode
/// is refused with a ModelFormatException. Every length is checked against the bytes left before allocating.
/// </summary>
internal sealed class RestrictedUnpickler
{
    private const int MaxStack = 1 << 20;
    private const int MaxMemo = 1 << 22;
    private const int MaxGlobalLine = 256;

    private readonly string _path;
    private readonly string _record;
    private readonly byte[] _data;
    private int _pos;
    // Budget on total work: every object pushed counts, so a small pickle cannot build millions of containers.
    private readonly long _maxObjects = LoadLimits.PickleObjects;
    private long _objects;
    private readonly List<object?> _stack = new();
    private readonly List<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new();

    private RestrictedUnpickler(string path, string record, byte[] data) { _path = path; _record = record; _data = data; }

    /// <summary>Unpickles <paramref name="data"/> (the archive record <paramref name="record"/> of <paramref name="path"/>).</summary>
    public static object? Load(string path, string record, byte[] data) => new RestrictedUnpickler(path, MessageText.Safe(record, 120), data).Run();

    private ModelFormatException Error(string problem, int? at = null) =>
        new(_path, $"{_record}: {problem} (at byte {at ?? _pos})");

    private object? Run()
    {
        while (true)
        {
            int opPos = _pos;
            byte op = ReadByte();
            switch (op)
            {
                case 0x80: // PROTO
                    int proto = ReadByte();
                    if (proto < 2 || proto > 5) throw Error($"pickle protocol {proto} is not supported (2..5)", opPos);
                    break;
                case 0x95: // FRAME: a length prefix for buffering; the data follows inline, nothing to do.
                    ReadSpan(8);
                    break;
                case (byte)'.': // STOP
                    if (_stack.Count == 0) throw Error("STOP with an empty stack", opPos);
                    return _stack[^1];

                case (byte)'c': // GLOBAL module\nname\n
                    Push(ResolveGlobal(ReadLine(), ReadLine(), opPos));
                    break;
                case 0x93: // STACK_GLOBAL
                {
                    var name = Pop() as string; var module = Pop() as string;
                    if (module is null || name is null) throw Error("STACK_GLOBAL needs two strings", opPos);
                    Push(ResolveGlobal(module, name, opPos));
                    break;
                }

                case (byte)'q': Memoize(ReadByte()); break;                          // BINPUT
                case (byte)'r': Memoize(BinaryPrimitives.ReadUInt32LittleEndian(ReadSpan(4))); break; // LONG_BINPUT
                case 0x94: Memoize(_memo.Count); break;                             // MEMOIZE
                case (byte)'h': Push(MemoGet(ReadByte(), opPos)); break;            // BINGET
                case (byte)'j': Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(ReadSpan(4)), opPos)); break; // LONG_BINGET

                case (byte)'(': // MARK
                    if (_marks.Count >= MaxStack) throw Error("too many nested marks", opPos);
                    _marks.Add(_stack.Count);
                    break;
                case (byte)'0': Pop(); break;                  // POP
                case (byte)'1': PopMark(opPos); break;         // POP_MARK
                case (byte)'2': Push(Peek(opPos)); break;      // DUP

                case (byte)'}': Push(new PickleDict()); break;            // EMPTY_DICT
                case (byte)']': Push(new List<object?>()); break;         // EMPTY_LIST
                case (byte)')': Push(Array.Empty<object?>()); break;      // EMPTY_TUPLE
                case (byte)'t': Push(PopMark(opPos).ToArray()); break;    // TUPLE
                case 0x85: Push(new[] { Pop() }); break;                  // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; }               // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; } // TUPLE3

                case (byte)'X': Push(ReadUtf8(BinaryPrimitives.ReadUInt32LittleEndian(ReadSpan(4)), opPos)); break; // BINUNICODE
                case 0x8c: Push(ReadUtf8(ReadByte(), opPos)); break;                                              // SHORT_BINUNICODE
                case 0x8d: Push(ReadUtf8(BinaryPrimitives.ReadUInt64LittleEndian(ReadSpan(8)), opPos)); break;   // BINUNICODE8
                case (byte)'B': Push(ReadSpan(CheckedLength(BinaryPrimitives.ReadUInt32LittleEndian(ReadSpan(4)), opPos)).ToArray()); break; // BINBYTES
                case (byte)'C': Push(ReadSpan(ReadByte()).ToArray()); break;                                       // SHORT_BINBYTES
                case 0x8e: Push(ReadSpan(CheckedLength(BinaryPrimitives.ReadUInt64LittleEndian(ReadSpan(8)), opPos)).ToArray()); break; // BINBYTES8

                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadSpan(4))); break; // BININT
                case (byte)'K': Push((long)ReadByte()); break;                                           // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadSpan(2))); break; // BININT2
                case 0x8a: Push(ReadLong1(opPos)); break;                                                // LONG1
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadSpan(8))); break;          // BINFLOAT (big-endian by spec)
                case (byte)'N': Push(null); break;      // NONE
                case 0x88: Push(true); break;           // NEWTRUE
                case 0x89: Push(false); break;          // NEWFALSE

                case (byte)'s': // SETITEM
                {
                    var v = Pop(); var k = Pop();
                    AsDict(Peek(opPos), opPos).Items.Add(new(k, v));
                    break;
                }
                case (byte)'u': // SETITEMS
                {
                    var items = PopMark(opPos);
                    if (items.Count % 2 != 0) throw Error("SETITEMS with an odd number of items", opPos);
                    var dict = AsDict(Peek(opPos), opPos);
                    for (int i = 0; i < items.Count; i += 2) dict.Items.Add(new(items[i], items[i + 1]));
                    break;
                }
                case (byte)'a': { var v = Pop(); AsList(Peek(opPos), opPos).Add(v); break; }          // APPEND
                case (byte)'e': { var items = PopMark(opPos); AsList(Peek(opPos), opPos).AddRange(items); break; } // APPENDS

                case (byte)'b': // BUILD: set state on the object below. OrderedDict's state is its _metadata, which we ignore.
                {
                    Pop();
                    var target = Peek(opPos);
                    if (target is not (PickleDict or TorchTensorRef))
                        throw Error($"BUILD on {Describe(target)}, which a state dict never needs", opPos);
                    break;
                }
                case (byte)'R': // REDUCE
                {
                    var args = Pop(); var callable = Pop();
                    if (callable is not PickleGlobal g) throw Error($"REDUCE calls {Describe(callable)}, not a global", opPos);
                    if (args is not object?[] tuple) throw Error($"REDUCE of {g} with {Describe(args)} instead of an argument tuple", opPos);
                    Push(Call(g, tuple, opPos));
                    break;
                }
                case (byte)'Q': // BINPERSID
                    Push(PersistentLoad(Pop(), opPos));
                    break;

                default:
                    throw Error($"pickle opcode 0x{op:x2}{(op is >= 0x20 and < 0x7f ? $" ('{(char)op}')" : "")} is not supported in a state dict", opPos);
            }
        }
    }

    private object ResolveGlobal(string module, string name, int at)
    {
        bool allowed = (module, name) switch
        {
            ("collections", "OrderedDict") => true,
            ("torch._utils", "_rebuild_tensor_v2" or "_rebuild_parameter" or "_rebuild_parameter_with_state") => true,
            _ => TorchStorageType.Find(module, name) is not null,
        };
        if (!allowed)
            throw Error($"pickle names global '{Clip(module)}.{Clip(name)}', which a state dict never needs; refusing to load", at);
        return new PickleGlobal(module, name);
    }

    private object? Call(PickleGlobal g, object?[] a, int at)
    {
        switch (g.QualifiedName)
        {
            case "collections.OrderedDict":
                if (a.Length != 0) throw Error("OrderedDict called with arguments", at);
                return new PickleDict();
            case "torch._utils._rebuild_tensor_v2":
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                if (a.Length is not (6 or 7)) throw Error($"_rebuild_tensor_v2 with {a.Length} arguments (expected 6 or 7)", at);
                if (a[0] is not TorchStorageRef storage) throw Error($"_rebuild_tensor_v2 storage argument is {Describe(a[0])}, not a persistent storage", at);
                if (a[1] is not long offset) throw Error($"_rebuild_tensor_v2 offset is {Describe(a[1])}, not an integer", at);
                return new TorchTensorRef(storage, offset, IntTuple(a[2], "size", at), IntTuple(a[3], "stride", at));
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
                // (data, requires_grad, backward_hooks[, state]): a Parameter is its data tensor here.
                if (a.Length is not (3 or 4) || a[0] is not TorchTensorRef t) throw Error($"{g.Name} expects a tensor and 2 or 3 more arguments", at);
                return t;
            default:
                throw Error($"pickle calls '{g}', which a state dict never calls", at);
        }
    }

    private long[] IntTuple(object? v, string what, int at)
    {
        if (v is not object?[] items) throw Error($"_rebuild_tensor_v2 {what} is {Describe(v)}, not a tuple", at);
        var r = new long[items.Length];
        for (int i = 0; i < items.Length; i++)
            r[i] = items[i] is long x ? x : throw Error($"_rebuild_tensor_v2 {what} holds {Describe(items[i])}, not an integer", at);
        return r;
    }

    private TorchStorageRef PersistentLoad(object? pid, int at)
    {
        if (pid is not object?[] { Length: 5 } t || t[0] is not "storage")
            throw Error($"persistent id {Describe(pid)} is not ('storage', type, key, location, numel)", at);
        if (t[1] is not PickleGlobal g || TorchStorageType.Find(g.Module, g.Name) is not { } type)
            throw Error($"persistent id names storage type {Describe(t[1])}, not a torch storage class", at);
        if (t[2] is not string key) throw Error($"persistent id key is {Describe(t[2])}, not a string", at);
        if (t[3] is not string location) throw Error($"persistent id location is {Describe(t[3])}, not a string", at);
        if (t[4] is not long numel || numel < 0) throw Error($"persistent id element count is {Describe(t[4])}, not a non-negative integer", at);
        return new TorchStorageRef(type, key, location, numel);
    }

    // ---- stack, memo and reading primitives ----

    private void Push(object? v)
    {
        if (_stack.Count >= MaxStack) throw Error("pickle stack grows beyond its limit");
        if (++_objects > _maxObjects) throw Error($"pickle builds more than {_maxObjects} objects, far beyond any state dict (set VERIFICATION_LIMIT_SCALE to raise it)");
        _stack.Add(v);
    }

    private object? Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _stack.Count == _marks[^1])) throw Error("pickle pops past the stack or a mark");
        var v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private object? Peek(int at) =>
        _stack.Count == 0 || (_marks.Count > 0 && _stack.Count == _marks[^1]) ? throw Error("pickle reads an empty stack", at) : _stack[^1];

    private List<object?> PopMark(int at)
    {
        if (_marks.Count == 0) throw Error("opcode needs a MARK but none is set", at);
        int m = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(m, _stack.Count - m);
        _stack.RemoveRange(m, _stack.Count - m);
        return items;
    }

    private void Memoize(long index)
    {
        if (_memo.Count >= MaxMemo && !_memo.ContainsKey(index)) throw Error("pickle memo grows beyond its limit");
        _memo[index] = Peek(_pos);
    }

    private object? MemoGet(long index, int at) =>
        _memo.TryGetValue(index, out var v) ? v : throw Error($"pickle reads memo entry {index}, which was never stored", at);

    private PickleDict AsDict(object? o, int at) => o as PickleDict ?? throw Error($"SETITEM(S) on {Describe(o)}, not a dict", at);
    private List<object?> AsList(object? o, int at) => o as List<object?> ?? throw Error($"APPEND(S) on {Describe(o)}, not a list", at);

    private byte ReadByte()
    {
        if (_pos >= _data.Length) throw Error("pickle ends without STOP (truncated)");
        return _data[_pos++];
    }

    private ReadOnlySpan<byte> ReadSpan(int n)
    {
        if (n < 0 || n > _data.Length - _pos) throw Error($"pickle wants {n} more bytes but only {_data.Length - _pos} remain (truncated)");
        var s = _data.AsSpan(_pos, n);
        _pos += n;
        return s;
    }

    private int CheckedLength(ulong n, int at) =>
        n > (ulong)(_data.Length - _pos) ? throw Error($"pickle declares a {n}-byte value but only {_data.Length - _pos} bytes remain", at) : (int)n;

    private string ReadUtf8(ulong n, int at)
    {
        var bytes = ReadSpan(CheckedLength(n, at));
        try { return new UTF8Encoding(false, true).GetString(bytes); }
        catch (DecoderFallbackException) { throw Error("pickle string is not valid UTF-8", at); }
    }

    private string ReadLine()
    {
        int start = _pos;
        int end = Array.IndexOf(_data, (byte)'\n', start, Math.Min(MaxGlobalLine, _data.Length - start));
        if (end < 0)
            throw Error(_data.Length - start < MaxGlobalLine ? "pickle ends inside a GLOBAL name (truncated)" : "GLOBAL name is not a short newline-terminated line", start);
        _pos = end + 1;
        // GLOBAL lines are ASCII in practice; decoding as Latin-1 cannot fail and the allow-list rejects oddities.
        return Encoding.Latin1.GetString(_data, start, end - start);
    }

    private long ReadLong1(int at)
    {
        int n = ReadByte();
        var b = ReadSpan(n);
        if (n > 8) throw Error($"LONG1 integer of {n} bytes is too large for a state dict", at);
        if (n == 0) return 0;
        long v = (sbyte)b[n - 1]; // sign-extend from the most significant byte (two's complement, little-endian)
        for (int i = n - 2; i >= 0; i--) v = (v << 8) | b[i];
        return v;
    }

    private static string Clip(string s) => MessageText.Safe(s);

    internal static string Describe(object? o) => o switch
    {
        null => "None",
        string s => $"the string '{Clip(s)}'",
        long l => $"the integer {l}",
        double d => $"the float {d}",
        bool b => b ? "True" : "False",
        object?[] t => $"a {t.Length}-tuple",
        List<object?> => "a list",
        PickleDict => "a dict",
        PickleGlobal g => $"the global {g}",
        TorchStorageRef => "a storage",
        TorchTensorRef => "a tensor",
        byte[] => "bytes",
        _ => o.GetType().Name,
    };
}
