namespace AegisGuard.Identity.Passwords;

/// <summary>Argon2id cost: memory in KiB, passes, lanes.</summary>
public readonly record struct Argon2Parameters(int MemoryKiB, int Iterations, int Parallelism);
