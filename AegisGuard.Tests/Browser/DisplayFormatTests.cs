using AegisGuard.Pages.Components;
using AegisGuard.Pages.Onboarding;

namespace AegisGuard.Tests.Browser;

/// <summary>How numbers, sizes and times read on the pages, and the quoting of commands they show.</summary>
public sealed class DisplayFormatTests
{
    [Theory]
    [InlineData(0, "0")]
    [InlineData(3, "3")]
    [InlineData(99_999, "99,999")]
    [InlineData(1_234_567, "1.23 M")]
    [InlineData(25_000_000, "25.0 M")]
    [InlineData(3_210_000_000, "3.21 B")]
    public void Counts_are_exact_when_small_and_compact_when_large(long value, string expected) =>
        Assert.Equal(expected, DisplayFormat.Count(value));

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(812, "812 B")]
    [InlineData(1536, "1.50 KB")]
    [InlineData(12_700, "12.4 KB")]
    [InlineData(3L * 1024 * 1024 * 1024, "3.00 GB")]
    public void Sizes_use_binary_units_with_three_significant_digits(long value, string expected) =>
        Assert.Equal(expected, DisplayFormat.Bytes(value));

    [Theory]
    [InlineData(2, "just now")]
    [InlineData(42, "42 s ago")]
    [InlineData(5 * 60 + 10, "5 min ago")]
    [InlineData(3 * 3600, "3 h ago")]
    [InlineData(2 * 86400 + 5, "2 d ago")]
    [InlineData(-120, "in 2 min")]
    public void Times_read_relative_to_now(int secondsAgo, string expected)
    {
        var now = new DateTimeOffset(2025, 10, 31, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(expected, DisplayFormat.Ago(now.UtcDateTime.AddSeconds(-secondsAgo), now));
    }

    [Theory]
    [InlineData("default", "default")]
    [InlineData("/srv/aegis/data", "/srv/aegis/data")]
    [InlineData("/srv/my data", "'/srv/my data'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$(rm -rf ~)", "'$(rm -rf ~)'")]
    public void Shell_arguments_are_quoted_only_when_needed(string value, string expected) =>
        Assert.Equal(expected, CliInvocation.ShellQuote(value));
}
