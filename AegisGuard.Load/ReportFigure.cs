namespace AegisGuard.Load;

/// <summary>
/// A scenario-specific figure: a JSON key with a number, a text or null (not measured), and how a
/// person reads it.
/// </summary>
internal sealed record ReportFigure(string Key, string Label, double? Number = null, string? Text = null, string Unit = "", string Format = "N1")
{
    public string Display => Number is { } number ? number.ToString(Format) + Unit : Text ?? "n/a";
}
