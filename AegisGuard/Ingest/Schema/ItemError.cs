namespace AegisGuard.Ingest.Schema;

/// <summary>Why one item of a batch is invalid: its index, the field (JSON path inside the item) and the reason.</summary>
public readonly record struct ItemError(int Index, string Field, string Reason);
