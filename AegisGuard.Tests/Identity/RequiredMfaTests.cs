using System.Net;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Identity;

/// <summary>Org owners can require MFA: members without it must enrol before anything else.</summary>
public sealed class RequiredMfaTests : IDisposable
{
    private readonly AegisAppFactory factory = IdentityApp.NewFactory();

    [Fact]
    public async Task Members_of_an_org_that_requires_mfa_must_enrol_first()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        await IdentityApp.MemberAsync(factory, admin, "dave@example.com", "USER");
        await Json.OkAsync(await admin.PutAsync("/api/org/settings", new { require_mfa = true }));

        var fresh = new SessionClient(factory);
        var session = await fresh.LoginOkAsync("dave@example.com", IdentityApp.UserPassword);
        Assert.True(session.GetProperty("mfa_enrolment_required").GetBoolean());
        await Json.ProblemAsync(await fresh.GetAsync("/api/logs"), HttpStatusCode.Forbidden, "mfa_enrolment");

        await IdentityApp.EnrolMfaAsync(fresh);
        await Json.OkAsync(await fresh.GetAsync("/api/logs"));
        Assert.False((await Json.OkAsync(await fresh.GetAsync("/api/auth/me"))).GetProperty("mfa_enrolment_required").GetBoolean());
    }

    public void Dispose() => factory.Dispose();
}
