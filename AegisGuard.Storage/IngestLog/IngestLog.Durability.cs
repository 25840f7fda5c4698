namespace AegisGuard.Storage.IngestLog;

public sealed partial class IngestLog
{
    /// <summary>
    /// Waits up to <paramref name="timeout"/> for it to be decided whether the record appended at
    /// <paramref name="address"/> in <paramref name="generation"/> is durable (see <see cref="IsDurable"/>): true or
    /// false once decided, null when it is still open after the wait.
    /// </summary>
    public async Task<bool?> WaitUntilDecidedAsync(long generation, long address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (IsDurable(generation, address) is { } decided)
            {
                return decided;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return null;
            }

            await Task.Delay(20, cancellationToken);
        }
    }
}
