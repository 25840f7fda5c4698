using AegisGuard.Storage.Metadata;

namespace AegisGuard.Identity.Users;

/// <summary>The result of adding a person to an org; <see cref="TemporaryPassword"/> is shown once.</summary>
public sealed record UserCreation(UserCreationStatus Status, UserRow? User, string? TemporaryPassword);

/// <summary>What adding a person did.</summary>
public enum UserCreationStatus
{
    /// <summary>A new account was created and added.</summary>
    Created,

    /// <summary>An existing account (of another org) was added; its password is unchanged.</summary>
    AddedExisting,

    /// <summary>The person is already a member; nothing changed.</summary>
    AlreadyMember,

    /// <summary>Only an OWNER can make owners; nothing changed.</summary>
    OwnerRequired,
}
