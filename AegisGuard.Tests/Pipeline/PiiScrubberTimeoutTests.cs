using AegisGuard.Pipeline;

namespace AegisGuard.Tests.Pipeline;

/// <summary>A scrubber that cannot finish a value (CPU starvation, a pathological value) fails closed.</summary>
public sealed class PiiScrubberTimeoutTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Theory]
    [InlineData(PiiMode.Redact)]
    [InlineData(PiiMode.Hash)]
    public void A_timed_out_scan_redacts_the_whole_value_instead_of_passing_it_through_or_throwing(PiiMode mode)
    {
        // A one-tick budget times out on any value the patterns have to look at.
        var starved = new PiiScrubber(mode, Key, TimeSpan.FromTicks(1));
        string value = string.Concat(Enumerable.Repeat("order 4111 1111 1111 1111 for jane.doe@example.com; ", 2000));
        long before = PiiScrubber.UnscannedValues;

        string scrubbed = starved.Scrub(value);

        Assert.Equal(PiiScrubber.UnscannedMarker, scrubbed);
        Assert.True(PiiScrubber.UnscannedValues > before);
    }

    [Fact]
    public void A_value_without_anything_to_look_at_passes_without_scanning_even_when_starved()
    {
        var starved = new PiiScrubber(PiiMode.Redact, Key, TimeSpan.FromTicks(1));

        Assert.Equal("no digits or at-signs here", starved.Scrub("no digits or at-signs here"));
    }
}
