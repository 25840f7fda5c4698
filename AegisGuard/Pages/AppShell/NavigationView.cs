namespace AegisGuard.Pages.AppShell;

/// <summary>What the sidebar view renders.</summary>
public sealed record NavigationView(IReadOnlyList<NavSection> Sections, PathString CurrentPath)
{
    public bool IsCurrent(NavItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Href == "/" ? CurrentPath == "/" || !CurrentPath.HasValue : CurrentPath.StartsWithSegments(item.Href, StringComparison.OrdinalIgnoreCase);
    }
}
