namespace AegisGuard.Pages.AppShell;

/// <summary>A group of sidebar entries under an optional heading.</summary>
public sealed record NavSection(string? Title, IReadOnlyList<NavItem> Items);
