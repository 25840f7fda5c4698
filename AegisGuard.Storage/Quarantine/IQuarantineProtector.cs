namespace AegisGuard.Storage.Quarantine;

/// <summary>
/// Encrypts quarantined payloads at rest: a record may hold what a sender sent before it was scrubbed (records written
/// by earlier versions carry the raw request JSON), and raw values must not sit readable on disk.
/// </summary>
public interface IQuarantineProtector
{
    /// <summary>Encrypts <paramref name="payload"/>.</summary>
    byte[] Protect(byte[] payload);

    /// <summary>Decrypts what <see cref="Protect"/> returned.</summary>
    byte[] Unprotect(byte[] protectedPayload);
}
