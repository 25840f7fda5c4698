using System.Reflection;
using AegisGuard.Audit;

namespace AegisGuard.Pages.Admin;

/// <summary>
/// The audited actions the audit page offers as filters, read from <see cref="AuditActions"/> so a new action appears
/// without touching the page, grouped by their prefix (<c>auth.</c>, <c>key.</c> …), which the filter also accepts.
/// </summary>
public static class AuditActionCatalog
{
    private static readonly Dictionary<string, string> GroupNames = new(StringComparer.Ordinal)
    {
        ["auth"] = "Sign-in and sessions",
        ["mfa"] = "Two-factor authentication",
        ["password"] = "Passwords",
        ["key"] = "API keys",
        ["user"] = "Users",
        ["role"] = "Roles",
        ["settings"] = "Org settings",
        ["org"] = "Organisations",
        ["quarantine"] = "Quarantined batches",
        ["storage"] = "Damaged files",
        ["invitation"] = "Invitations",
        ["instance"] = "Instance administrators",
    };

    /// <summary>(prefix with its dot, group name, actions) in the order <see cref="AuditActions"/> declares them.</summary>
    public static readonly IReadOnlyList<(string Prefix, string Name, IReadOnlyList<string> Actions)> Groups =
        typeof(AuditActions).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .GroupBy(action => action.Split('.')[0])
            .Select(g => (g.Key + ".", GroupNames.GetValueOrDefault(g.Key, g.Key), (IReadOnlyList<string>)[.. g]))
            .ToList();
}
