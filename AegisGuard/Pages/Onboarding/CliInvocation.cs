using AegisGuard.Storage;

namespace AegisGuard.Pages.Onboarding;

/// <summary>
/// How to run this appliance's CLI on this machine, so the pages can show commands that work when pasted: the same
/// executable the server runs from (the apphost, or <c>dotnet AegisGuard.dll</c>) and its real data directory.
/// </summary>
public sealed class CliInvocation
{
    public CliInvocation(DataDirectory data)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataDir = data.Root;
        Executable = Describe(Environment.ProcessPath);
    }

    /// <summary>The command that starts the CLI, e.g. <c>/opt/aegis/AegisGuard</c> or <c>dotnet /opt/aegis/AegisGuard.dll</c>.</summary>
    public string Executable { get; }

    /// <summary>The absolute data directory the server uses.</summary>
    public string DataDir { get; }

    /// <summary>Creates an ingest+read key for <paramref name="orgSlug"/> and prints it as JSON.</summary>
    public string CreateKeyCommand(string orgSlug, string keyName) =>
        $"{Executable} keys create --org {ShellQuote(orgSlug)} --name {ShellQuote(keyName)} --scopes ingest,read --json --data {ShellQuote(DataDir)}";

    /// <summary>Quotes <paramref name="value"/> for a POSIX shell when it contains anything but safe characters.</summary>
    public static string ShellQuote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        bool safe = value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or ':' or '=' or ',' or '+');
        return safe ? value : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    private static string Describe(string? processPath)
    {
        string appHost = Path.Combine(AppContext.BaseDirectory, "AegisGuard");
        string dll = Path.Combine(AppContext.BaseDirectory, "AegisGuard.dll");
        string name = Path.GetFileNameWithoutExtension(processPath ?? string.Empty);
        if (name.Equals("AegisGuard", StringComparison.OrdinalIgnoreCase))
        {
            return ShellQuote(processPath!);
        }

        if (name.Equals("dotnet", StringComparison.OrdinalIgnoreCase) && File.Exists(dll))
        {
            return "dotnet " + ShellQuote(dll);
        }

        // Hosted some other way (a test host, a service wrapper): the apphost beside the assembly, if there is one.
        return File.Exists(appHost) ? ShellQuote(appHost) : "AegisGuard";
    }
}
