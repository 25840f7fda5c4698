namespace AegisGuard.Identity;

/// <summary>
/// A secret kept in meta.db could not be encrypted or decrypted because the Data Protection key ring (<c>data/keys</c>)
/// lacks the key it needs (deleted, not restored with meta.db, or a different ring). Not the caller's fault and not a bug:
/// the global exception handler answers 503 problem+json and the health board reports <c>key-ring</c>.
/// </summary>
public sealed class KeyRingUnavailableException : Exception
{
    public KeyRingUnavailableException(string message, Exception innerException) : base(message, innerException) { }

    public KeyRingUnavailableException(string message) : base(message) { }

    public KeyRingUnavailableException() : base("the Data Protection key ring cannot decrypt meta.db's secrets") { }
}
