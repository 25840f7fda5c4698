using System.Net;
using AegisGuard.Cli;
using AegisGuard.Hosting;
using AegisGuard.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;

namespace AegisGuard.Tests.Hosting;

/// <summary>
/// The single-file executable is the product: copied alone into an empty folder it must serve its pages with their
/// CSS and scripts and start with its default settings. These tests prove what is embedded; scripts/smoke-single-file.sh
/// (run by .ci/run) publishes the real single file and checks it alone in an empty directory.
/// </summary>
public sealed class SingleFileTests
{
    private static string BuiltWebRoot => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    [Fact]
    public void Every_web_asset_of_the_build_is_embedded_with_the_same_bytes()
    {
        var embedded = new ManifestEmbeddedFileProvider(typeof(EmbeddedFiles).Assembly, "wwwroot");
        var files = Directory.GetFiles(BuiltWebRoot, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith("chart.umd.js", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("site.css", StringComparison.Ordinal));
        foreach (string file in files)
        {
            string relative = Path.GetRelativePath(BuiltWebRoot, file).Replace('\\', '/');
            var info = embedded.GetFileInfo(relative);
            Assert.True(info.Exists, $"{relative} is not embedded");
            using var stream = info.CreateReadStream();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(copy.ToArray()), $"{relative} differs from the embedded copy");
        }
    }

    [Fact]
    public void Without_an_appsettings_file_the_embedded_defaults_apply_and_a_file_overrides_them_key_by_key()
    {
        using var dir = new TempDirectory();
        var alone = new ConfigurationBuilder().SetBasePath(dir.Path).AddJsonFile("appsettings.json", optional: true);
        EmbeddedFiles.AddEmbeddedDefaultSettings(alone);
        var defaults = alone.Build();
        var shipped = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json")).Build();
        Assert.Equal(shipped["Aegis:Ingest:MaxBacklogAge"], defaults["Aegis:Ingest:MaxBacklogAge"]);
        Assert.Equal(shipped["Aegis:Pipeline:FlushMaxRows"], defaults["Aegis:Pipeline:FlushMaxRows"]);
        Assert.NotNull(defaults["Aegis:Pipeline:FlushMaxRows"]);

        File.WriteAllText(Path.Combine(dir.Path, "appsettings.json"), """{"Aegis":{"Pipeline":{"FlushMaxRows":7}}}""");
        var overridden = new ConfigurationBuilder().SetBasePath(dir.Path).AddJsonFile("appsettings.json", optional: true);
        EmbeddedFiles.AddEmbeddedDefaultSettings(overridden);
        var merged = overridden.Build();
        Assert.Equal("7", merged["Aegis:Pipeline:FlushMaxRows"]);
        Assert.Equal(shipped["Aegis:Ingest:MaxBacklogAge"], merged["Aegis:Ingest:MaxBacklogAge"]);
    }

    [Fact]
    public async Task Started_from_an_empty_folder_it_serves_its_pages_with_their_css_scripts_and_chart_js()
    {
        using var data = new TempDirectory();
        using var emptyRoot = new TempDirectory();
        using var app = await AppProcess.StartAsync(data.Path, $"--contentRoot={emptyRoot.Path}");
        using var http = new HttpClient { BaseAddress = new Uri(app.Url) };

        string login = await http.GetStringAsync(new Uri("/login", UriKind.Relative));
        var assets = System.Text.RegularExpressions.Regex.Matches(login, "(?:href|src)=\"(/[^\"]+\\.(?:css|js)[^\"]*)\"")
            .Select(m => m.Groups[1].Value).Append("/lib/chart.js/chart.umd.js").Distinct().ToList();
        Assert.True(assets.Count >= 3, $"the sign-in page references {assets.Count} assets");
        foreach (string asset in assets)
        {
            using var response = await http.GetAsync(new Uri(asset, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset} answered {(int)response.StatusCode}");
            Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
        }

        Assert.Empty(Directory.GetFileSystemEntries(emptyRoot.Path));
    }

    [Fact]
    public async Task Version_prints_the_product_its_version_and_the_runtime()
    {
        var (exitCode, stdout, _) = await AppProcess.RunCliAsync("--version");
        Assert.Equal(0, exitCode);
        Assert.Matches(@"^AegisGuard \d+\.\d+\.\d+", stdout);
        Assert.Contains(".NET", stdout, StringComparison.Ordinal);
        Assert.Equal(CommandLine.VersionLine(), stdout.Trim());
    }
}
