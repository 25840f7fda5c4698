using AegisGuard.Pipeline;
using AegisGuard.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AegisGuard.Tests.Pipeline;

public sealed class IngestRecoveryLifetimeTests
{
    // A test host's dispose stopped the service after it had already been stopped and released, which threw
    // ObjectDisposedException out of the host's shutdown.
    [Fact]
    public async Task Recovery_can_be_stopped_twice_and_after_it_was_disposed()
    {
        using var factory = new AegisAppFactory();
        _ = factory.CreateClient();
        var recovery = factory.Services.GetServices<IHostedService>().OfType<IngestRecovery>().Single();

        await recovery.StopAsync(CancellationToken.None);
        await recovery.StopAsync(CancellationToken.None);
        recovery.Dispose();
        await recovery.StopAsync(CancellationToken.None);
        recovery.Dispose();
    }
}
