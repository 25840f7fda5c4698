using System.Reflection;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace AegisGuard.Hosting;

/// <summary>
/// What the executable carries inside itself, so that a single-file build copied alone into an empty folder is the
/// whole product: the web assets (CSS, scripts, Chart.js) and the default settings (appsettings.json). Files on disk
/// still win: a wwwroot folder beside the executable is served instead, and an appsettings.json there overrides the
/// embedded defaults key by key, as does any later source (environment variables, command line).
/// </summary>
internal static class EmbeddedFiles
{
    private static readonly Assembly Assembly = typeof(EmbeddedFiles).Assembly;

    /// <summary>All embedded files, by their project-relative path (the manifest the build generates).</summary>
    private static readonly Lazy<ManifestEmbeddedFileProvider> Provider = new(() => new ManifestEmbeddedFileProvider(Assembly));

    /// <summary>Serves the embedded wwwroot when the content root has none (a lone single-file executable).</summary>
    public static void UseEmbeddedWebRootIfMissing(IWebHostEnvironment environment)
    {
        if (!Directory.Exists(Path.Combine(environment.ContentRootPath, "wwwroot")))
        {
            environment.WebRootFileProvider = new ManifestEmbeddedFileProvider(Assembly, "wwwroot");
        }
    }

    /// <summary>
    /// Puts the embedded appsettings.json below the file one, so a missing file leaves the defaults in place and a
    /// present one overrides them.
    /// </summary>
    public static void AddEmbeddedDefaultSettings(IConfigurationBuilder configuration)
    {
        var file = Provider.Value.GetFileInfo("appsettings.json");
        if (!file.Exists)
        {
            return;
        }

        byte[] json;
        using (var stream = file.CreateReadStream())
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            json = copy.ToArray();
        }

        var sources = configuration.Sources;
        int fileSource = -1;
        for (int i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: "appsettings.json" })
            {
                fileSource = i;
                break;
            }
        }

        var embedded = new BytesJsonSource(json);
        if (fileSource >= 0)
        {
            sources.Insert(fileSource, embedded);
        }
        else
        {
            sources.Insert(0, embedded);
        }
    }

    /// <summary>
    /// A JSON source over bytes that reads a fresh stream each time it is built: the configuration manager rebuilds
    /// every provider when a source is inserted later (tests do), and a stream can be read only once.
    /// </summary>
    private sealed class BytesJsonSource(byte[] json) : JsonStreamConfigurationSource
    {
        public override IConfigurationProvider Build(IConfigurationBuilder builder)
        {
            Stream = new MemoryStream(json, writable: false);
            return new JsonStreamConfigurationProvider(this);
        }
    }
}
