using System.Diagnostics;

namespace Verification.Tests.Claims;

/// <summary>Runs Debian's Chromium headless on a local file, with the flags that keep it off this machine's closed network.</summary>
public static class HeadlessChromium
{
    private static readonly string[] QuietFlags =
    {
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--allow-file-access-from-files",
    };

    /// <summary>The DOM after the page's scripts ran (--dump-dom).</summary>
    public static string DumpDom(string htmlPath) => Run(htmlPath, "--virtual-time-budget=5000", "--dump-dom").Out;

    /// <summary>A PNG of the page (for people reading the test output; the assertions use the DOM).</summary>
    public static void Screenshot(string htmlPath, string pngPath, int width = 1280, int height = 2400) =>
        Run(htmlPath, $"--screenshot={pngPath}", $"--window-size={width},{height}", "--hide-scrollbars");

    private static (string Out, string Err) Run(string htmlPath, params string[] args)
    {
        var profile = Directory.CreateTempSubdirectory("chromium-profile-");
        var psi = new ProcessStartInfo(ChromiumFactAttribute.Executable!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var f in QuietFlags) psi.ArgumentList.Add(f);
        psi.ArgumentList.Add($"--user-data-dir={profile.FullName}");
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium did not finish on {htmlPath} within 60 s");
        }
        try { profile.Delete(recursive: true); } catch (IOException) { }
        return (stdout.Result, stderr.Result);
    }
}
