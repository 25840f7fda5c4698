namespace AegisGuard.Storage.Logs;

/// <summary>A value and how many lines carry it.</summary>
/// <param name="Value">The value.</param>
/// <param name="Count">Lines.</param>
public sealed record LogValueCount(string Value, long Count);
