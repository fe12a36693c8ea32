using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Verification.Torch;

/// <summary>
/// The Debian 12 workaround: libLibTorchSharp.so (built with GCC 13) requires GLIBCXX_3.4.32 for one symbol,
/// std::ios_base_library_init, and Debian 12's libstdc++ stops at 3.4.30. Where the system's libstdc++ lacks it, this
/// (1) marks that version requirement weak in the copy of libLibTorchSharp.so in this program's output folder (never the
/// NuGet cache's, never a system file), and (2) builds, with the machine's g++, a tiny library defining that symbol under
/// that version (Native/glibcxx_shim.cpp) and loads it globally before TorchSharp loads its native library.
/// Where the system libstdc++ is new enough it does nothing.
/// </summary>
public static class GlibcxxShim
{
    public const string Version = "GLIBCXX_3.4.32";
    public const string Symbol = "_ZSt21ios_base_library_initv";
    public const string LibraryFile = "libLibTorchSharp.so";
    private const string ShimFile = "libverification_glibcxx_shim.so";

    private const int RtldNow = 2, RtldGlobal = 0x100;
    [DllImport("libc.so.6")] private static extern IntPtr dlopen(string? file, int mode);
    [DllImport("libc.so.6")] private static extern IntPtr dlvsym(IntPtr handle, string symbol, string version);

    /// <summary>Whether the process's libstdc++ defines std::ios_base_library_init at GLIBCXX_3.4.32.</summary>
    public static bool SystemHasVersion()
    {
        var handle = dlopen("libstdc++.so.6", RtldNow);
        return handle != IntPtr.Zero && dlvsym(handle, Symbol, Version) != IntPtr.Zero;
    }

    /// <summary>Whether the symbol now resolves at that version in the process (from libstdc++ or the shim).</summary>
    public static bool SymbolResolves() => dlvsym(dlopen(null, RtldNow), Symbol, Version) != IntPtr.Zero;

    /// <summary>Applies the workaround if this machine needs it; returns one line saying what was done.</summary>
    public static string Apply()
    {
        if (!OperatingSystem.IsLinux()) return "libstdc++ shim: not Linux, not needed";
        if (SystemHasVersion()) return $"libstdc++ shim: system libstdc++ has {Version}, not needed";
        var lib = FindLibTorchSharp()
            ?? throw new InvalidOperationException($"{LibraryFile} is not in {AppContext.BaseDirectory} (is libtorch restored?)");
        if (ElfVersionPatch.RequiresStrongly(lib, Version)) WeakenCopy(lib);
        var shim = BuildShim();
        if (dlopen(shim, RtldNow | RtldGlobal) == IntPtr.Zero)
            throw new InvalidOperationException($"{shim}: could not be loaded");
        return $"libstdc++ shim: system libstdc++ lacks {Version}; loaded {shim} and weakened that requirement in {lib}";
    }

    /// <summary>Where TorchSharp will load its native library from: this program's output folder.</summary>
    public static string? FindLibTorchSharp()
    {
        var dir = AppContext.BaseDirectory;
        foreach (var candidate in new[] { Path.Combine(dir, "runtimes", "linux-x64", "native", LibraryFile), Path.Combine(dir, LibraryFile) })
            if (File.Exists(candidate)) return candidate;
        return null;
    }

    // Rewrite through a new file and rename, so a hard link into the NuGet cache would be replaced, not written through.
    private static void WeakenCopy(string lib)
    {
        var temp = lib + ".weak-" + Environment.ProcessId;
        File.Copy(lib, temp, overwrite: true);
        ElfVersionPatch.MakeWeak(temp, Version);
        File.Move(temp, lib, overwrite: true);
    }

    /// <summary>Compiles the shim once into the output folder (or the temp folder if that is read-only).</summary>
    public static string BuildShim()
    {
        foreach (var dir in new[] { Path.Combine(AppContext.BaseDirectory, "glibcxx-shim"), Path.Combine(Path.GetTempPath(), $"verification-glibcxx-shim-{Environment.UserName}") })
        {
            var so = Path.Combine(dir, ShimFile);
            if (File.Exists(so)) return so;
            try { Directory.CreateDirectory(dir); WriteResource("glibcxx_shim.cpp", dir); WriteResource("glibcxx_shim.map", dir); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            var tmp = so + "." + Environment.ProcessId;
            Run("g++", $"-shared -fPIC -O2 -o \"{tmp}\" glibcxx_shim.cpp -Wl,--version-script=glibcxx_shim.map", dir);
            File.Move(tmp, so, overwrite: true);
            return so;
        }
        throw new InvalidOperationException("no writable folder for the libstdc++ shim");
    }

    private static void WriteResource(string name, string dir)
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream(name) ?? throw new InvalidOperationException($"resource {name} missing");
        using var f = File.Create(Path.Combine(dir, name));
        s.CopyTo(f);
    }

    private static void Run(string exe, string args, string dir)
    {
        ProcessStartInfo psi = new(exe, args) { WorkingDirectory = dir, RedirectStandardError = true, RedirectStandardOutput = true };
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException($"the system libstdc++ lacks {Version} and there is no g++ to build the shim: install g++ (apt-get install g++)");
        }
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"g++ could not build the libstdc++ shim: {err.Trim()}");
    }
}
