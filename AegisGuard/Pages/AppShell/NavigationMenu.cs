using AegisGuard.Identity;

namespace AegisGuard.Pages.AppShell;

/// <summary>
/// Every area of the product, in sidebar order. A new page flips its entry's <see cref="NavItem.NotYetAvailable"/>
/// to null; who may see an entry is its <see cref="NavItem.Permission"/>, decided in
/// <see cref="NavigationViewComponent.VisibleTo"/> and nowhere else.
/// </summary>
public static class NavigationMenu
{
    public static readonly IReadOnlyList<NavSection> Sections =
    [
        new(null,
        [
            new("Overview", "/", "home", Permissions.TelemetryRead),
        ]),
        new("Observe",
        [
            new("Logs", "/logs", "logs", Permissions.TelemetryRead),
            new("Metrics", "/metrics", "metrics", Permissions.TelemetryRead),
            new("Traces", "/traces", "traces", Permissions.TelemetryRead),
            new("RUM", "/rum", "rum", Permissions.TelemetryRead,
                "Not available yet: the Real User Monitoring dashboard is planned. RUM events are already ingested and stored."),
        ]),
        new("Alerting",
        [
            new("Monitors", "/monitors", "monitors", Permissions.TelemetryRead, "Not available yet: monitors and alerts are planned."),
            new("SLOs", "/slos", "slos", Permissions.TelemetryRead, "Not available yet: SLOs and error budgets are planned."),
        ]),
        new("Organisation",
        [
            new("Usage", "/usage", "usage", Permissions.TelemetryRead, "Not available yet: usage and billing are planned."),
        ]),
        new("Admin",
        [
            new("Users", "/admin/users", "users", Permissions.UsersManage),
            new("API keys", "/admin/keys", "keys", Permissions.KeysManage),
            new("Audit log", "/admin/audit", "audit", Permissions.AuditRead),
            new("Org settings", "/admin/settings", "settings", Permissions.OrgSettings),
            new("Instance", "/admin/instance", "org", Permissions.InstanceAdmin),
        ]),
    ];
}
