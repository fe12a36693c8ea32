namespace Verification.Tests.Claims;

/// <summary>A fact that needs headless Chromium (Debian package chromium); skipped, with the reason, where it is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public static string? Executable { get; } = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    public ChromiumFactAttribute()
    {
        if (Executable == null) Skip = "headless Chromium is not installed (apt-get install chromium); .ci/run installs it";
    }
}
