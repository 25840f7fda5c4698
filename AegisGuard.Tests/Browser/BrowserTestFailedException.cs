namespace AegisGuard.Tests.Browser;

/// <summary>A failed browser test, with the screenshot path, the page's complaints and the server output in its message.</summary>
public sealed class BrowserTestFailedException(string message, Exception inner) : Exception(message, inner);
