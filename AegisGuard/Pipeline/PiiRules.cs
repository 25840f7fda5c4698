namespace AegisGuard.Pipeline;

/// <summary>
/// Scrubbing rules an org may switch on beside the ones that always run (e-mails, SSNs, cards, secrets). Off by default:
/// addresses and phone numbers are personal data, but also what operators debug with, so each org decides.
/// </summary>
[Flags]
public enum PiiRules
{
    /// <summary>Only the rules that always run.</summary>
    None = 0,

    /// <summary>IPv4 and IPv6 addresses (<c>[REDACTED:ip]</c>).</summary>
    IpAddresses = 1,

    /// <summary>Phone numbers in E.164 (<c>+44 20 7946 0958</c>) and common national formats (<c>[REDACTED:phone]</c>).</summary>
    PhoneNumbers = 2,
}
