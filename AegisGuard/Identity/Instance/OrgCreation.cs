using AegisGuard.Identity.Invitations;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Identity.Instance;

/// <summary>The result of <see cref="InstanceOrgs.Create"/>: the new org and the owner's invitation (when an owner was named), or a taken slug.</summary>
public sealed record OrgCreation(Org? Org, IssuedInvitation? OwnerInvitation, bool SlugTaken);
