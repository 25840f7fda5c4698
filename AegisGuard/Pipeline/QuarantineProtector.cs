using AegisGuard.Storage.Quarantine;
using Microsoft.AspNetCore.DataProtection;

namespace AegisGuard.Pipeline;

/// <summary>Encrypts quarantined payloads with the appliance's Data Protection key ring (data/keys).</summary>
public sealed class QuarantineProtector(IDataProtectionProvider provider) : IQuarantineProtector
{
    private readonly IDataProtector protector = provider.CreateProtector("AegisGuard.Quarantine.Payload.v1");

    public byte[] Protect(byte[] payload) => protector.Protect(payload);

    public byte[] Unprotect(byte[] protectedPayload) => protector.Unprotect(protectedPayload);
}
