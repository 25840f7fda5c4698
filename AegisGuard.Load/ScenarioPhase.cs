namespace AegisGuard.Load;

/// <summary>Which phase a scenario prepares for; warm-up figures are discarded.</summary>
internal enum ScenarioPhase
{
    Warmup,
    Measurement,
}
