using System.Collections.Concurrent;

namespace AegisGuard.Load;

/// <summary>Live totals of a phase, shared by all senders and read by the progress line.</summary>
internal sealed class PhaseCounters
{
    private readonly ConcurrentDictionary<string, long> _errorsByKind = new(StringComparer.Ordinal);
    private long _requests;
    private long _events;
    private long _errors;

    public long Requests => Interlocked.Read(ref _requests);

    public long Events => Interlocked.Read(ref _events);

    public long Errors => Interlocked.Read(ref _errors);

    public void Succeeded(long events)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _events, events);
    }

    public void Failed(string kind)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Increment(ref _errors);
        _errorsByKind.AddOrUpdate(kind, 1, static (_, count) => count + 1);
    }

    public IReadOnlyDictionary<string, long> ErrorsByKind() =>
        new SortedDictionary<string, long>(_errorsByKind, StringComparer.Ordinal);
}
