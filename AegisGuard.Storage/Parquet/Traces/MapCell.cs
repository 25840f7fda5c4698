namespace AegisGuard.Storage.Parquet.Traces;

/// <summary>One row of <c>map_minutes</c> (migration 0006) or a delta to add to it.</summary>
internal sealed class MapCell
{
    public long Spans { get; set; }

    public long Requests { get; set; }

    public long RequestErrors { get; set; }

    public long Errors { get; set; }

    public LatencySketch Entry { get; } = new();

    public LatencySketch All { get; } = new();

    /// <summary>Whether every count and bucket is zero (the row can be deleted).</summary>
    public bool IsEmpty => Spans == 0 && Requests == 0 && RequestErrors == 0 && Errors == 0 && Entry.IsEmpty && All.IsEmpty;

    /// <summary>Adds (sign 1) or subtracts (sign −1) <paramref name="other"/>.</summary>
    public void Merge(MapCell other, int sign = 1)
    {
        Spans += sign * other.Spans;
        Requests += sign * other.Requests;
        RequestErrors += sign * other.RequestErrors;
        Errors += sign * other.Errors;
        Entry.Merge(other.Entry, sign);
        All.Merge(other.All, sign);
    }
}
