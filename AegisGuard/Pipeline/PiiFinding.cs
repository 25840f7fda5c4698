namespace AegisGuard.Pipeline;

/// <summary>One piece of personal data found in a scanned text: where (in the scanned view) and of which kind.</summary>
internal readonly record struct PiiFinding(int Start, int End, string Kind)
{
    public bool Overlaps(int start, int end) => start < End && Start < end;
}
