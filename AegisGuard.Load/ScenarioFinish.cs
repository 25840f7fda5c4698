namespace AegisGuard.Load;

/// <summary>Extra report figures from a scenario's finishing step, and why it failed, if it did.</summary>
internal sealed record ScenarioFinish(IReadOnlyList<ReportFigure> Figures, string? Failure)
{
    public static ScenarioFinish None { get; } = new([], null);
}
