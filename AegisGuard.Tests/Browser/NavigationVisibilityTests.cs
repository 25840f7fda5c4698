using System.Security.Claims;
using AegisGuard.Identity;
using AegisGuard.Pages.AppShell;

namespace AegisGuard.Tests.Browser;

/// <summary>Which sidebar entries a principal sees: the role → permission table decides, in one place.</summary>
public sealed class NavigationVisibilityTests
{
    private static readonly int AllEntries = NavigationMenu.Sections.Sum(s => s.Items.Count);

    [Fact]
    public void An_anonymous_visitor_sees_no_entries()
    {
        var sections = NavigationViewComponent.VisibleTo(new ClaimsPrincipal(new ClaimsIdentity()));

        Assert.Empty(sections);
    }

    [Fact]
    public void The_admin_entries_are_links_to_built_pages()
    {
        var admin = NavigationMenu.Sections.Single(s => s.Title == "Admin").Items;

        Assert.All(admin, item => Assert.True(item.IsAvailable, item.Title));
        Assert.Equal(["/admin/users", "/admin/keys", "/admin/audit", "/admin/settings", "/admin/instance"], admin.Select(i => i.Href));
    }

    [Theory]
    [InlineData(Permissions.Roles.Owner)]
    [InlineData(Permissions.Roles.Admin)]
    public void Owners_and_admins_see_every_admin_entry_of_their_org(string role)
    {
        var sections = NavigationViewComponent.VisibleTo(Member(role));

        Assert.Equal(AllEntries - 1, sections.Sum(s => s.Items.Count)); // all but the instance administrator's page
        Assert.Equal(["Users", "API keys", "Audit log", "Org settings"], Titles(sections, "Admin"));
    }

    [Fact]
    public void An_instance_administrator_sees_the_instance_page_whatever_the_org_role()
    {
        var sections = NavigationViewComponent.VisibleTo(WithInstanceAdmin(Member(Permissions.Roles.Viewer)));

        Assert.Equal(["Instance"], Titles(sections, "Admin"));
        Assert.Equal(AllEntries, NavigationViewComponent.VisibleTo(WithInstanceAdmin(Member(Permissions.Roles.Owner))).Sum(s => s.Items.Count));
    }

    [Theory]
    [InlineData(Permissions.Roles.User)]
    [InlineData(Permissions.Roles.Viewer)]
    public void Users_and_viewers_see_the_telemetry_areas_but_no_admin_section(string role)
    {
        var sections = NavigationViewComponent.VisibleTo(Member(role));

        Assert.DoesNotContain(sections, s => s.Title == "Admin");
        Assert.Equal(["Logs", "Metrics", "Traces", "RUM"], Titles(sections, "Observe"));
    }

    [Fact]
    public void A_principal_without_any_permission_sees_no_entries()
    {
        var sections = NavigationViewComponent.VisibleTo(Member("NO-SUCH-ROLE"));

        Assert.Empty(sections);
    }

    [Fact]
    public void Every_admin_entry_needs_an_admin_permission()
    {
        var admin = NavigationMenu.Sections.Single(s => s.Title == "Admin").Items;

        Assert.All(admin, item => Assert.False(Permissions.ByRole[Permissions.Roles.User].Contains(item.Permission!), item.Title));
    }

    private static ClaimsPrincipal WithInstanceAdmin(ClaimsPrincipal principal)
    {
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(AegisClaims.InstanceAdmin, "true"));
        return principal;
    }

    private static ClaimsPrincipal Member(string role) =>
        new(new ClaimsIdentity([new Claim(AegisClaims.OrgId, "1"), new Claim(AegisClaims.Role, role)], "test"));

    private static string[] Titles(IReadOnlyList<AegisGuard.Pages.AppShell.NavSection> sections, string title) =>
        [.. sections.Single(s => s.Title == title).Items.Select(i => i.Title)];
}
