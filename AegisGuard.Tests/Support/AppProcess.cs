using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace AegisGuard.Tests.Support;

/// <summary>
/// The built AegisGuard executable as a real OS process (for crash and shutdown tests): started with
/// <c>--urls</c> and <c>--data</c>, killed with SIGKILL or stopped with SIGTERM.
/// </summary>
public sealed class AppProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private AppProcess(Process process, string url)
    {
        this.process = process;
        Url = url;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Url { get; }

    public int Id => process.Id;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>The AegisGuard.dll next to the test assembly (the project reference copies it there).</summary>
    public static string Executable => Path.Combine(AppContext.BaseDirectory, "AegisGuard.dll");

    /// <summary>Starts the app on <paramref name="dataDir"/> and waits for /healthz to answer 200; later settings in <paramref name="settings"/> win.</summary>
    public static Task<AppProcess> StartAsync(string dataDir, params string[] settings) => StartAsync(dataDir, requireReady: true, settings);

    /// <summary>Starts the server and waits until /healthz answers, ready (200) or not (503): for degraded start-ups.</summary>
    public static Task<AppProcess> StartServingAsync(string dataDir, params string[] settings) => StartAsync(dataDir, requireReady: false, settings);

    /// <summary>
    /// Starts with extra configuration arguments (later ones override earlier ones, e.g. <c>--Aegis:Ingest:MinFreeDiskBytes=0</c>).
    /// With <paramref name="requireReady"/> false it returns as soon as HTTP answers at all, for starts that are meant
    /// to come up not ready (a full disk).
    /// </summary>
    public static async Task<AppProcess> StartAsync(string dataDir, bool requireReady, params string[] settings)
    {
        string url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { Executable, "serve", "--urls", url, "--data", dataDir, "--Aegis:Pipeline:FlushInterval=00:00:00.250" }.Concat(settings))
        {
            start.ArgumentList.Add(arg);
        }

        var app = new AppProcess(Process.Start(start)!, url);
        await app.WaitReadyAsync(requireReady);
        return app;
    }

    /// <summary>A free loopback URL, for runs that are expected to exit (e.g. a refusal to start).</summary>
    public static string FreeUrl() => $"http://127.0.0.1:{FreePort()}";

    /// <summary>Runs a CLI verb (e.g. keys create) against a data directory and returns (exit code, stdout, stderr).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunCliAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Executable);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // e.g. `serve` that should have refused to start but runs: stop it rather than leave it behind.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"`AegisGuard {string.Join(' ', args)}` did not exit within 60 s:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Creates an ingest+read key through the CLI and returns (id, secret).</summary>
    public static async Task<(string Id, string Secret)> CreateKeyAsync(string dataDir)
    {
        var (exit, stdout, stderr) = await RunCliAsync("keys", "create", "--org", "default", "--name", "crash-test", "--scopes", "ingest,read", "--json", "--data", dataDir);
        Assert.True(exit == 0, $"keys create failed ({exit}): {stderr}");
        using var json = JsonDocument.Parse(stdout);
        return (json.RootElement.GetProperty("id").GetString()!, json.RootElement.GetProperty("secret").GetString()!);
    }

    /// <summary>SIGKILL: no drain, no flush, no final commit.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>SIGTERM, as systemd or Ctrl-C would stop it; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode;
    }

    private async Task WaitReadyAsync(bool requireReady)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"AegisGuard exited with {process.ExitCode} during start-up:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync($"{Url}/healthz");
                if (response.StatusCode == HttpStatusCode.OK || !requireReady)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"AegisGuard did not become ready:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }
}
