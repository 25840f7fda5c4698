namespace AegisGuard.Tests.Support;

/// <summary>One appliance shared by the tests of a class, with one ingest+read key of org default.</summary>
public sealed class SharedApp : IDisposable
{
    public SharedApp()
    {
        Factory = new AegisAppFactory();
        Key = Factory.CreateKey().Key;
    }

    public AegisAppFactory Factory { get; }

    public AegisGuard.Identity.ApiKeys.CreatedApiKey Key { get; }

    public SignedClient NewClient() => new(Factory.CreateClient(), Key);

    public void Dispose() => Factory.Dispose();
}
