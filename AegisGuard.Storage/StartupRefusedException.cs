namespace AegisGuard.Storage;

/// <summary>
/// The appliance refuses to start because running on what it found would lose or expose data. Carries what the person
/// at the console needs and nothing else: the file, what is wrong with it, and what to do. The command line prints it
/// as one line (no stack trace) and exits non-zero, so a supervisor's log shows the cause instead of a crash loop.
/// </summary>
public sealed class StartupRefusedException : Exception
{
    /// <summary>Refuses to start because of <paramref name="file"/>.</summary>
    /// <param name="file">The file or folder at fault, as the operator would type it (e.g. <c>/var/lib/aegis/meta.db</c>).</param>
    /// <param name="problem">What is wrong with it, in one sentence.</param>
    /// <param name="remedy">What to do about it, in one or two sentences.</param>
    /// <param name="innerException">The low-level error behind the problem, if any (kept for logs, not printed).</param>
    public StartupRefusedException(string file, string problem, string remedy, Exception? innerException = null)
        : base($"{file}: {problem.TrimEnd().TrimEnd('.')}. {remedy}", innerException)
    {
        File = file;
        Problem = problem;
        Remedy = remedy;
    }

    /// <summary>The file or folder at fault.</summary>
    public string File { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }

    /// <summary>What to do about it.</summary>
    public string Remedy { get; }
}
