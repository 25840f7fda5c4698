using System.Security.Cryptography;
using System.Text;
using AegisGuard.Pipeline;

namespace AegisGuard.Tests.Pipeline;

public sealed class PiiScrubberTests
{
    private static readonly byte[] OrgKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] OtherOrgKey = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();

    private readonly PiiScrubber redactor = new(PiiMode.Redact, OrgKey);
    private readonly PiiScrubber hasher = new(PiiMode.Hash, OrgKey);

    [Theory]
    [InlineData("login by john.doe@example.com failed", "login by [REDACTED:email] failed")]
    [InlineData("<ops+alerts@mail.example.co.uk>", "<[REDACTED:email]>")]
    [InlineData("mailto:Jane_Roe%dev@sub-domain.example.org.", "mailto:[REDACTED:email].")]
    [InlineData("user=first.last@corp.io;", "user=[REDACTED:email];")]
    public void Email_in_a_message_is_redacted(string input, string expected)
    {
        Assert.Equal(expected, redactor.Scrub(input));
    }

    [Theory]
    [InlineData("ssn 123-45-6789 on file", "ssn [REDACTED:ssn] on file")]
    [InlineData("ssn 123 45 6789 on file", "ssn [REDACTED:ssn] on file")]
    [InlineData("ssn=078-05-1120;", "ssn=[REDACTED:ssn];")]
    [InlineData("(665-99-0001)", "([REDACTED:ssn])")]
    public void Valid_ssn_with_separators_is_redacted(string input, string expected)
    {
        Assert.Equal(expected, redactor.Scrub(input));
    }

    [Theory]
    [InlineData("paid with 4111111111111111", "paid with [REDACTED:card]")]
    [InlineData("paid with 4111 1111 1111 1111 today", "paid with [REDACTED:card] today")]
    [InlineData("paid with 4111-1111-1111-1111.", "paid with [REDACTED:card].")]
    [InlineData("amex 378282246310005", "amex [REDACTED:card]")]
    [InlineData("amex 3782 822463 10005", "amex [REDACTED:card]")]
    [InlineData("mc=5500 0000 0000 0004", "mc=[REDACTED:card]")]
    [InlineData("visa13 4222222222222", "visa13 [REDACTED:card]")]
    [InlineData("19 digits 6200000000000000042", "19 digits [REDACTED:card]")]
    [InlineData("\"card\":\"6011111111111117\"", "\"card\":\"[REDACTED:card]\"")]
    public void Luhn_valid_card_number_is_redacted(string input, string expected)
    {
        Assert.Equal(expected, redactor.Scrub(input));
    }

    [Theory]
    [InlineData("login by john.doe@example.com failed", "login by [email:", "] failed")]
    [InlineData("ssn 123-45-6789 on file", "ssn [ssn:", "] on file")]
    [InlineData("paid with 4111 1111 1111 1111 today", "paid with [card:", "] today")]
    public void Each_kind_becomes_a_ten_hex_token_in_hash_mode(string input, string prefix, string suffix)
    {
        string scrubbed = hasher.Scrub(input);

        Assert.StartsWith(prefix, scrubbed, StringComparison.Ordinal);
        Assert.EndsWith(suffix, scrubbed, StringComparison.Ordinal);
        string hex = scrubbed[prefix.Length..^suffix.Length];
        Assert.Matches("^[0-9a-f]{10}$", hex);
    }

    [Theory]
    [InlineData("Bob.Smith@Example.COM", "email", "bob.smith@example.com")]
    [InlineData("123 45 6789", "ssn", "123456789")]
    [InlineData("4111-1111-1111-1111", "card", "4111111111111111")]
    public void Hash_token_is_the_first_ten_hex_of_the_hmac_of_kind_and_normalised_value(
        string value, string kind, string normalised)
    {
        byte[] mac = HMACSHA256.HashData(OrgKey, Encoding.UTF8.GetBytes($"{kind}:{normalised}"));
        string expected = $"[{kind}:{Convert.ToHexStringLower(mac)[..10]}]";

        Assert.Equal(expected, hasher.Scrub(value));
    }

    [Fact]
    public void Several_findings_in_one_line_are_all_redacted()
    {
        const string line =
            "a@example.com paid 4111 1111 1111 1111 and b@example.org gave ssn 123-45-6789, order 4111111111111112";

        Assert.Equal(
            "[REDACTED:email] paid [REDACTED:card] and [REDACTED:email] gave ssn [REDACTED:ssn], order 4111111111111112",
            redactor.Scrub(line));
    }

    [Fact]
    public void Several_findings_in_one_line_are_all_hashed_to_their_own_tokens()
    {
        const string line = "a@example.com paid 4111111111111111 with ssn 123-45-6789";

        string scrubbed = hasher.Scrub(line);

        Assert.Matches(@"^\[email:[0-9a-f]{10}\] paid \[card:[0-9a-f]{10}\] with ssn \[ssn:[0-9a-f]{10}\]$", scrubbed);
        Assert.Equal(hasher.Scrub("a@example.com"), scrubbed[..18]);
        Assert.Equal(hasher.Scrub("4111111111111111"), scrubbed[24..41]);
        Assert.Equal(hasher.Scrub("123-45-6789"), scrubbed[^16..]);
    }

    [Fact]
    public void Digits_inside_an_email_address_go_with_the_address()
    {
        Assert.Equal("[REDACTED:email]", redactor.Scrub("4111111111111111@example.com"));
    }

    [Theory]
    [InlineData("carol@example.com")]
    [InlineData("123-45-6789")]
    [InlineData("4111 1111 1111 1111")]
    public void Same_value_gives_the_same_token_every_time_and_in_every_scrubber_with_the_key(string value)
    {
        var sameKeyElsewhere = new PiiScrubber(PiiMode.Hash, (byte[])OrgKey.Clone());

        string first = hasher.Scrub($"x {value} y");

        Assert.Equal(first, hasher.Scrub($"x {value} y"));
        Assert.Equal(first, sameKeyElsewhere.Scrub($"x {value} y"));
    }

    [Theory]
    [InlineData("4111 1111 1111 1111", "4111111111111111")]
    [InlineData("4111-1111-1111-1111", "4111111111111111")]
    [InlineData("3782 822463 10005", "378282246310005")]
    [InlineData("123 45 6789", "123-45-6789")]
    [InlineData("Carol@Example.com", "carol@example.com")]
    public void Differently_written_forms_of_one_value_share_a_token(string written, string canonical)
    {
        Assert.Equal(hasher.Scrub(canonical), hasher.Scrub(written));
    }

    [Theory]
    [InlineData("carol@example.com", "dave@example.com")]
    [InlineData("123-45-6789", "123-45-6788")]
    [InlineData("4111111111111111", "5500000000000004")]
    public void Different_values_get_different_tokens(string one, string other)
    {
        Assert.NotEqual(hasher.Scrub(one), hasher.Scrub(other));
    }

    [Theory]
    [InlineData("carol@example.com")]
    [InlineData("123-45-6789")]
    [InlineData("4111111111111111")]
    public void Another_orgs_key_gives_a_different_token_for_the_same_value(string value)
    {
        var otherOrg = new PiiScrubber(PiiMode.Hash, OtherOrgKey);

        Assert.NotEqual(hasher.Scrub(value), otherOrg.Scrub(value));
    }

    [Fact]
    public void Changing_the_callers_key_array_afterwards_does_not_change_tokens()
    {
        byte[] key = (byte[])OrgKey.Clone();
        var scrubber = new PiiScrubber(PiiMode.Hash, key);
        string before = scrubber.Scrub("carol@example.com");

        Array.Clear(key);

        Assert.Equal(before, scrubber.Scrub("carol@example.com"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("GET /healthz -> OK")]
    [InlineData("no at-sign and no digits here, only words")]
    public void Line_without_at_sign_or_digit_comes_back_as_the_same_instance(string input)
    {
        Assert.Same(input, redactor.Scrub(input));
        Assert.Same(input, hasher.Scrub(input));
    }

    [Theory]
    [InlineData("order 4111111111111112 shipped")] // 16 digits, fails Luhn
    [InlineData("id 98411111111111111107")] // 20 digits around a Luhn-valid 4111111111111111
    [InlineData("id 41111111111111110000")] // 20 digits that pass Luhn as a whole
    [InlineData("ref 4111 1111 1111 1111 2222")] // grouped, 20 digits
    [InlineData("span 0000000000000000")] // all-zero span id: passes Luhn, no card starts with 0
    [InlineData("ratio 0.4111111111111111")] // fraction digits, not a card
    [InlineData("from 192.168.100.200:8080")]
    [InlineData("trace 123e4567-e89b-12d3-a456-426614174000")]
    [InlineData("trace 12345678-1234-5678-1234-567812345678")]
    [InlineData("at 2025-10-31T10:00:00Z")]
    [InlineData("call 555-123-4567")]
    [InlineData("call +1-555-12-3456")]
    [InlineData("ssn 000-12-3456")]
    [InlineData("ssn 666-12-3456")]
    [InlineData("ssn 912-34-5678")]
    [InlineData("ssn 123-00-4567")]
    [InlineData("ssn 123-45-0000")]
    [InlineData("ssn 123-45 6789")] // mixed separators
    [InlineData("id 9123-45-67890")]
    [InlineData("v1.2.3")]
    [InlineData("user@localhost")]
    [InlineData("ping @handle")]
    [InlineData("a@b")]
    [InlineData("bad tld user@example.c")]
    [InlineData("price 1234.56")]
    [InlineData("count 123456789")]
    public void Look_alikes_are_left_alone_and_the_same_instance_comes_back(string input)
    {
        Assert.Same(input, redactor.Scrub(input));
        Assert.Same(input, hasher.Scrub(input));
    }

    [Fact]
    public void Two_cards_with_different_separators_next_to_each_other_are_both_found()
    {
        Assert.Equal(
            "cards [REDACTED:card] [REDACTED:card]",
            redactor.Scrub("cards 4111-1111-1111-1111 5500-0000-0000-0004"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    public void Key_shorter_than_16_bytes_is_rejected(int length)
    {
        Assert.Throws<ArgumentException>(() => new PiiScrubber(PiiMode.Hash, new byte[length]));
    }

    [Fact]
    public void Missing_key_is_rejected()
    {
        Assert.ThrowsAny<ArgumentException>(() => new PiiScrubber(PiiMode.Redact, null!));
    }

    [Theory]
    [InlineData(PiiMode.Redact)]
    [InlineData(PiiMode.Hash)]
    public void Mode_reports_what_the_scrubber_was_built_with(PiiMode mode)
    {
        Assert.Equal(mode, new PiiScrubber(mode, OrgKey).Mode);
    }
}
