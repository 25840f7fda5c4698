namespace AegisGuard.Pages.AppShell;

/// <summary>One entry of the sidebar.</summary>
/// <param name="Title">Label.</param>
/// <param name="Href">Where it leads (lower-case path).</param>
/// <param name="Icon">Symbol id in <c>_Icons.cshtml</c> (without the <c>i-</c> prefix).</param>
/// <param name="Permission">The <see cref="Identity.Permissions"/> constant needed to see it; null for everyone.</param>
/// <param name="NotYetAvailable">
/// Null when the page exists. Otherwise the honest reason it does not yet (shown as tooltip), and the entry is rendered
/// disabled with a "soon" badge instead of a link to a page that is not there.
/// </param>
public sealed record NavItem(string Title, string Href, string Icon, string? Permission, string? NotYetAvailable = null)
{
    public bool IsAvailable => NotYetAvailable is null;
}
