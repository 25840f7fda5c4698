namespace AegisGuard.Tests.Browser;

/// <summary>Browser tests share one Chromium and run one after another (each with its own app and data directory).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserTestGroup : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
