namespace AegisGuard.Query.LogQl.Syntax;

/// <summary>A query that cannot be parsed or planned; the message names what was found, where, and what was expected.</summary>
public sealed class LogQlSyntaxException : Exception
{
    public LogQlSyntaxException(string message, int column)
        : base(message) => Column = column;

    public LogQlSyntaxException()
    {
    }

    public LogQlSyntaxException(string message)
        : base(message)
    {
    }

    public LogQlSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>1-based column of the problem.</summary>
    public int Column { get; }
}
