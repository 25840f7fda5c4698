using AegisGuard.Audit;
using AegisGuard.Identity;
using AegisGuard.Identity.Invitations;
using AegisGuard.Identity.Passwords;
using AegisGuard.Storage.Metadata;
using AegisGuard.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AegisGuard.Tests.Identity;

/// <summary>An invitation link works for seven days, on the services the API and the page share (with a clock the test moves).</summary>
public sealed class InvitationExpiryTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = Start;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void A_link_works_until_seven_days_have_passed_and_then_never_again()
    {
        using var dir = new TempDirectory();
        var clock = new Clock();
        var store = new MetadataStore(Path.Combine(dir.Path, "meta.db"), clock);
        var org = store.EnsureOrg("acme", "Acme", "key");
        var audit = new AuditLog(store, clock);
        var invitations = new InvitationService(store, audit, clock);
        var acceptor = new InvitationAcceptor(store, invitations, new PasswordHasher(Options.Create(new SecurityOptions())), audit, clock);
        string early = invitations.Invite(null, org.Id, "kim@example.com", "USER", mayInviteOwner: false).Issued!.Token;
        string late = invitations.Invite(null, org.Id, "lee@example.com", "USER", mayInviteOwner: false).Issued!.Token;

        clock.Now = Start + InvitationService.Lifetime - TimeSpan.FromSeconds(1);
        Assert.Equal(AcceptStatus.Accepted, acceptor.AcceptAsNewAccount(new DefaultHttpContext(), early, "Brisk-Meadow-Tide-73").Status);

        clock.Now = Start + InvitationService.Lifetime + TimeSpan.FromSeconds(1);
        Assert.Null(invitations.FindPending(late));
        Assert.Empty(invitations.ListPending(org.Id));
        Assert.Equal(AcceptStatus.NotPending, acceptor.AcceptAsNewAccount(new DefaultHttpContext(), late, "Brisk-Meadow-Tide-73").Status);
        Assert.Null(store.FindUserByEmail("lee@example.com"));
        Assert.False(invitations.Revoke(null, org.Id, store.FindInvitationByTokenHash(InvitationService.HashToken(late))!.Id));
        Assert.Equal(["kim@example.com"], store.ListMembers(org.Id).Select(m => m.Email));
    }
}
