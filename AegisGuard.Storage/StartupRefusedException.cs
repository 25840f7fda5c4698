namespace AegisGuard.Storage;

/// <summary>
/// The appliance must not start on this data directory: starting would lose or hide acknowledged data (or expose it).
/// Carries what the person running it needs, as one line: which <see cref="File"/>, what the <see cref="Problem"/> is
/// and what to do (<see cref="Remedy"/>). The command line prints <see cref="Exception.Message"/> on stderr and exits
/// non-zero, without a stack trace: this is a verdict about the data, not a bug.
/// </summary>
public sealed class StartupRefusedException : Exception
{
    /// <summary>Creates the refusal for <paramref name="file"/>.</summary>
    public StartupRefusedException(string file, string problem, string remedy)
        : base($"Refusing to start: {file}: {problem}. {remedy}")
    {
        File = file;
        Problem = problem;
        Remedy = remedy;
    }

    /// <summary>Creates a refusal with a message only (prefer the (file, problem, remedy) constructor).</summary>
    public StartupRefusedException(string message) : base(message)
    {
        File = string.Empty;
        Problem = message;
        Remedy = string.Empty;
    }

    /// <summary>Creates a refusal with a message and its cause.</summary>
    public StartupRefusedException(string message, Exception inner) : base(message, inner)
    {
        File = string.Empty;
        Problem = message;
        Remedy = string.Empty;
    }

    /// <summary>Creates a refusal without details (required by the exception pattern).</summary>
    public StartupRefusedException() : this("the data directory cannot be used")
    {
    }

    /// <summary>The file or folder at fault (absolute path).</summary>
    public string File { get; }

    /// <summary>What is wrong with it and what that means for the data.</summary>
    public string Problem { get; }

    /// <summary>What the person running the appliance can do.</summary>
    public string Remedy { get; }
}
