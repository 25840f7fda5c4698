namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>A query that does not parse or type-check; the message says what was found where (line:column) and what was expected.</summary>
public sealed class PromQlSyntaxException : Exception
{
    public PromQlSyntaxException(string message, string query, int position)
        : base(Format(message, query, position, out int line, out int column))
    {
        Reason = message;
        Line = line;
        Column = column;
    }

    public PromQlSyntaxException()
    {
        Reason = string.Empty;
    }

    public PromQlSyntaxException(string message)
        : base(message)
    {
        Reason = message;
    }

    public PromQlSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>The problem without its position.</summary>
    public string Reason { get; }

    /// <summary>1-based line of the problem.</summary>
    public int Line { get; }

    /// <summary>1-based column of the problem (in characters of its line).</summary>
    public int Column { get; }

    private static string Format(string message, string query, int position, out int line, out int column)
    {
        position = Math.Clamp(position, 0, query.Length);
        line = 1;
        int lastBreak = -1;
        for (int i = 0; i < position; i++)
        {
            if (query[i] == '\n')
            {
                line++;
                lastBreak = i;
            }
        }

        column = position - lastBreak;

        // Prometheus writes "1:14: parse error: unexpected ..."; the position is also put after the token so the
        // Metrics page (and people) read "unexpected <by> at 1:14, expected ..." in one go.
        int comma = message.IndexOf(", expected", StringComparison.Ordinal);
        string located = comma > 0
            ? $"{message[..comma]} at {line}:{column}{message[comma..]}"
            : $"{message} at {line}:{column}";
        return $"parse error: {located}";
    }
}
