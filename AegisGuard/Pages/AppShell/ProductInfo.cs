using System.Reflection;

namespace AegisGuard.Pages.AppShell;

/// <summary>The product's name and build version as the UI shows them.</summary>
public static class ProductInfo
{
    public const string Name = "AegisGuard";

    /// <summary>The informational version without the source-control suffix (e.g. <c>1.0.0</c>).</summary>
    public static string Version { get; } =
        (typeof(ProductInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
        .Split('+')[0];

    /// <summary>The source revision the build was made from (the informational version's suffix), if known.</summary>
    public static string? Revision { get; } =
        typeof(ProductInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion is { } full &&
        full.IndexOf('+', StringComparison.Ordinal) is int plus and >= 0
            ? full[(plus + 1)..]
            : null;
}
