using System.Text.RegularExpressions;
using AegisGuard.Identity.Users;
using AegisGuard.Tests.Identity.Support;
using Microsoft.Playwright;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// Signing in with the pages, in Chromium against the real executable: the forced password change of the seeded admin,
/// MFA enrolment from the QR page's secret, the code step (wrong code, right code), recovery codes, signing out.
/// </summary>
[Collection(BrowserTestGroup.Name)]
[Trait("Category", "Browser")]
public sealed class SignInPageTests(BrowserFixture browser) : IAsyncLifetime
{
    private BrowserSession session = null!;

    public async Task InitializeAsync() => session = await BrowserSession.StartAsync(browser, signedIn: false);

    public async Task DisposeAsync() => await session.DisposeAsync();

    [Fact]
    public Task The_seeded_admin_signs_in_and_must_choose_a_new_password_before_anything_else() => session.RunAsync(async page =>
    {
        Assert.Equal(200, await session.GotoAsync("/admin/users"));
        await Expect(page).ToHaveURLAsync(LoginFor("%2Fadmin%2Fusers"));
        await Expect(page).ToHaveTitleAsync("Sign in · AegisGuard");

        await SubmitCredentialsAsync(page, UserService.FirstAdminEmail, "Not-the-password-1");
        await Expect(page.Locator("[data-login-error]")).ToContainTextAsync("The e-mail address or password is wrong.");
        await Expect(page.GetByLabel("E-mail address")).ToHaveValueAsync(UserService.FirstAdminEmail);
        await Expect(page.GetByLabel("Password", new() { Exact = true })).ToHaveValueAsync("");

        await SubmitCredentialsAsync(page, UserService.FirstAdminEmail, UserService.FirstAdminPassword);
        await Expect(page).ToHaveURLAsync(new Regex("/account/password\\?returnUrl=%2Fadmin%2Fusers$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose a new password" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Areas" })).ToHaveCountAsync(0);
        await Expect(page.Locator(".auth-footer [data-user-name]")).ToHaveTextAsync(UserService.FirstAdminEmail);

        // Nothing else opens until the password is changed.
        await session.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/account/password$"));

        await ChangePasswordAsync(page, UserService.FirstAdminPassword, "short", "short");
        await Expect(page.Locator("[data-field-error=NewPassword]")).ToContainTextAsync("at least 12 characters");
        await ChangePasswordAsync(page, UserService.FirstAdminPassword, BrowserSession.AdminPassword, BrowserSession.AdminPassword + "x");
        await Expect(page.Locator("[data-field-error=ConfirmPassword]")).ToHaveTextAsync("The two new passwords do not match.");
        await ChangePasswordAsync(page, "Wrong-current-123", BrowserSession.AdminPassword, BrowserSession.AdminPassword);
        await Expect(page.Locator("[data-field-error=CurrentPassword]")).ToHaveTextAsync("The current password is wrong.");

        await session.GotoAsync("/account/password?returnUrl=%2Fadmin%2Fusers");
        await ChangePasswordAsync(page, UserService.FirstAdminPassword, BrowserSession.AdminPassword, BrowserSession.AdminPassword);
        await Expect(page).ToHaveURLAsync(new Regex("/admin/users$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Users", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-flash]")).ToContainTextAsync("Your password was changed.");
        await Expect(page.Locator("[data-user-name]")).ToHaveTextAsync(UserService.FirstAdminEmail);
        await Expect(page.Locator("[data-org-name]")).ToHaveTextAsync("Default");
        session.AssertNoProblems();
    });

    [Fact]
    public Task A_member_enrols_mfa_from_the_qr_page_and_then_signs_in_with_a_code_or_once_with_a_recovery_code() => session.RunAsync(async page =>
    {
        await session.SignInAsAdminAsync();
        string invitation = await session.AddMemberAsync("alice@example.com", "USER");
        await session.SignOutAsync();

        // The invitation link: the new person chooses a password and lands signed in on the overview.
        await session.GotoAsync($"/invite/{invitation}");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(BrowserSession.MemberPassword);
        await page.GetByLabel("Password again").FillAsync(BrowserSession.MemberPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account and join" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();

        // Profile → set up MFA: scan (here: read) the secret, prove it with a code.
        await page.Locator(".user-menu > summary").ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Profile" }).ClickAsync();
        await Expect(page.Locator("[data-mfa-status]")).ToContainTextAsync("Off");
        await page.Locator("[data-enable-mfa]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/account/mfa$"));
        var qr = page.Locator("[data-mfa-qr]");
        await Expect(qr).ToBeVisibleAsync();
        Assert.True(await qr.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 100"), "the QR code image did not render");
        string secret = (await page.Locator("[data-mfa-secret]").GetAttributeAsync("data-mfa-secret"))!;
        Assert.Matches("^[A-Z2-7]{32}$", secret);
        Assert.Equal(secret, (await page.Locator("[data-mfa-secret]").TextContentAsync())!.Replace(" ", "", StringComparison.Ordinal));

        await page.GetByLabel("6-digit code").FillAsync(WrongCode(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor authentication" }).ClickAsync();
        await Expect(page.Locator("[data-field-error=Code]")).ToContainTextAsync("does not match");
        Assert.Equal(secret, await page.Locator("[data-mfa-secret]").GetAttributeAsync("data-mfa-secret")); // same secret after a wrong code

        await page.GetByLabel("6-digit code").FillAsync(IdentityApp.Totp(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor authentication" }).ClickAsync();
        var codes = await page.Locator("#recovery-codes code").AllTextContentsAsync();
        Assert.Equal(10, codes.Distinct().Count());
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-download-codes]").ClickAsync());
        string file = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.All(codes, code => Assert.Contains(code, file, StringComparison.Ordinal));
        await page.Locator("[data-continue]").ClickAsync();
        await Expect(page.Locator("[data-mfa-status]")).ToContainTextAsync("10 recovery codes left");

        // Sign out from the user menu; signing in again asks for the code.
        await page.Locator(".user-menu > summary").ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/login\\?signedOut=true$"));
        await Expect(page.Locator("[data-signed-out]")).ToContainTextAsync("You are signed out.");

        await SubmitCredentialsAsync(page, "alice@example.com", BrowserSession.MemberPassword);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Two-factor authentication" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-mfa-email]")).ToHaveTextAsync("alice@example.com");
        await SubmitCodeAsync(page, WrongCode(secret));
        await Expect(page.Locator("[data-field-error=Code]")).ToContainTextAsync("That code is wrong, expired or already used.");
        await SubmitCodeAsync(page, IdentityApp.Totp(secret));
        await Expect(page).ToHaveURLAsync(new Regex("/$"));
        await Expect(page.Locator("[data-user-name]")).ToHaveTextAsync("alice@example.com");

        // A recovery code signs in once in place of a code.
        await session.SignOutAsync();
        await session.GotoAsync("/login");
        await SubmitCredentialsAsync(page, "alice@example.com", BrowserSession.MemberPassword);
        await SubmitCodeAsync(page, codes[0]);
        await Expect(page).ToHaveURLAsync(new Regex("/$"));
        await session.GotoAsync("/account");
        await Expect(page.Locator("[data-mfa-status]")).ToContainTextAsync("9 recovery codes left");

        await session.SignOutAsync();
        await session.GotoAsync("/login");
        await SubmitCredentialsAsync(page, "alice@example.com", BrowserSession.MemberPassword);
        await SubmitCodeAsync(page, codes[0]);
        await Expect(page.Locator("[data-field-error=Code]")).ToContainTextAsync("already used");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Two-factor authentication" })).ToBeVisibleAsync();
        session.AssertNoProblems();
    });

    private static async Task SubmitCredentialsAsync(IPage page, string email, string password)
    {
        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    private static async Task SubmitCodeAsync(IPage page, string code)
    {
        await page.GetByLabel("Authentication code").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify and sign in" }).ClickAsync();
    }

    private static async Task ChangePasswordAsync(IPage page, string current, string next, string confirm)
    {
        await page.GetByLabel("Current password").FillAsync(current);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(next);
        await page.GetByLabel("New password again").FillAsync(confirm);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
    }

    /// <summary>A 6-digit code that is not valid now (nor a step either side).</summary>
    private static string WrongCode(string secret)
    {
        var totp = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(secret));
        var now = DateTime.UtcNow;
        var valid = new[] { now.AddSeconds(-30), now, now.AddSeconds(30) }.Select(t => totp.ComputeTotp(t)).ToHashSet();
        return Enumerable.Range(0, 10).Select(d => new string((char)('0' + d), 6)).First(code => !valid.Contains(code));
    }

    private static Regex LoginFor(string returnUrl) => new($"/login\\?returnUrl={Regex.Escape(returnUrl)}$");

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);
}
