using System.Text.Json;
using AegisGuard.Pipeline;

namespace AegisGuard.Tests.Pipeline;

/// <summary>The forms of PII that leaked in the attack of issue #8, one by one, and what must stay.</summary>
public sealed class PiiScrubberFormsTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly PiiScrubber Redactor = new(PiiMode.Redact, Key);
    private static readonly PiiScrubber Hasher = new(PiiMode.Hash, Key);
    private static readonly PiiScrubber Everything = new(PiiMode.Redact, Key, PiiRules.IpAddresses | PiiRules.PhoneNumbers);

    [Theory]
    [InlineData("GET /users?email=bob.smith%40example.com&page=2", "GET /users?email=[REDACTED:email]&page=2")]
    [InlineData("GET /users?email=bob.smith%2540example.com", "GET /users?email=[REDACTED:email]")]
    [InlineData("to=bob%2Bshop%40example%2Ecom;", "to=[REDACTED:email];")]
    [InlineData("<a href=\"mailto:bob&#64;example.com\">", "<a href=\"mailto:[REDACTED:email]\">")]
    [InlineData("bob&commat;example.com", "[REDACTED:email]")]
    public void Url_and_html_encoded_emails_are_redacted_and_the_text_around_keeps_its_escapes(string input, string expected)
    {
        Assert.Equal(expected, Redactor.Scrub(input));
    }

    [Theory]
    [InlineData("from jürgen@bücher.de today", "from [REDACTED:email] today")]
    [InlineData("from bob@xn--bcher-kva.de today", "from [REDACTED:email] today")]
    [InlineData("user@пример.рф", "[REDACTED:email]")]
    [InlineData("user@xn--e1afmkfd.xn--p1ai", "[REDACTED:email]")]
    [InlineData("user@例え。jp", "[REDACTED:email]")]
    public void Idn_domains_in_unicode_and_punycode_are_redacted(string input, string expected)
    {
        Assert.Equal(expected, Redactor.Scrub(input));
    }

    [Theory]
    [InlineData("\"john doe\"@example.com wrote", "[REDACTED:email] wrote")]
    [InlineData("{\"from\":\"\\\"john doe\\\"@example.com\"}", "{\"from\":\"[REDACTED:email]\"}")]
    public void Quoted_local_parts_are_redacted(string input, string expected)
    {
        Assert.Equal(expected, Redactor.Scrub(input));
    }

    [Theory]
    [InlineData("""{"email":"bob\u0040example.com"}""")]
    [InlineData("""{"email":"bob\\u0040example.com"}""")]
    [InlineData("""{"card":"\u0034111111111111111"}""")]
    [InlineData("""{"e":"b\u006fb\u0040ex\u0061mple.com"}""")]
    public void Json_escapes_inside_a_message_cannot_be_decoded_back_into_pii(string message)
    {
        string scrubbed = Redactor.Scrub(message);

        // What `| json` would show: the document decoded once.
        string decoded = JsonDocument.Parse(scrubbed).RootElement.EnumerateObject().Single().Value.GetString()!;
        Assert.DoesNotContain("example.com", decoded, StringComparison.Ordinal);
        Assert.DoesNotContain("4111111111111111", decoded, StringComparison.Ordinal);
        Assert.StartsWith("[REDACTED:", decoded, StringComparison.Ordinal);
    }

    [Fact]
    public void Encoded_and_plain_forms_of_one_address_share_a_hash_token()
    {
        string plain = Hasher.Scrub("bob@example.com");

        Assert.Equal(plain, Hasher.Scrub("bob%40example.com"));
        Assert.Equal(plain, Hasher.Scrub("bob%2540Example.com"));
        Assert.Equal(plain, Hasher.Scrub("bob\\u0040example.com"));
    }

    [Theory]
    [InlineData("paid with 4111.1111.1111.1111 ok", "paid with [REDACTED:card] ok")]
    [InlineData("amex 3782.822463.10005", "amex [REDACTED:card]")]
    public void Cards_with_dot_separators_are_redacted(string input, string expected)
    {
        Assert.Equal(expected, Redactor.Scrub(input));
    }

    [Theory]
    [InlineData("qty 2 4111 1111 1111 1111", "qty 2 [REDACTED:card]")]
    [InlineData("2025-10-31 4111 1111 1111 1111", "2025-10-31 [REDACTED:card]")]
    [InlineData("items 12 5500 0000 0000 0004 paid", "items 12 [REDACTED:card] paid")]
    [InlineData("qty 2 123 45 6789", "qty 2 [REDACTED:ssn]")]
    [InlineData("4111 1111 1111 1111 2 items", "[REDACTED:card] 2 items")]
    public void Spaced_numbers_after_a_digit_and_a_space_are_found(string input, string expected)
    {
        Assert.Equal(expected, Redactor.Scrub(input));
    }

    [Theory]
    [InlineData("qty 2 4111 1111 1111 1111", "qty 2 [card:")]
    [InlineData("2025-10-31 4111 1111 1111 1111", "2025-10-31 [card:")]
    [InlineData("qty 2 123 45 6789", "qty 2 [ssn:")]
    public void Spaced_numbers_after_a_digit_and_a_space_are_found_in_hash_mode_too(string input, string prefix)
    {
        Assert.Matches("^" + System.Text.RegularExpressions.Regex.Escape(prefix) + "[0-9a-f]{10}\\]$", Hasher.Scrub(input));
    }

    [Theory]
    [InlineData("ssn 123456789 on file", "ssn [REDACTED:ssn] on file")]
    [InlineData("SSN: 123456789", "SSN: [REDACTED:ssn]")]
    [InlineData("{\"ssn\":\"123456789\"}", "{\"ssn\":\"[REDACTED:ssn]\"}")]
    [InlineData("{\\\"customer_ssn\\\":\\\"123456789\\\"}", "{\\\"customer_ssn\\\":\\\"[REDACTED:ssn]\\\"}")]
    [InlineData("social security number 078051120", "social security number [REDACTED:ssn]")]
    [InlineData("Social-Security-No #078051120.", "Social-Security-No #[REDACTED:ssn].")]
    public void Nine_bare_digits_are_an_ssn_when_a_word_says_so(string input, string expected)
    {
        Assert.Equal(expected, Redactor.Scrub(input));
    }

    [Theory]
    [InlineData("ssn", "123456789")]
    [InlineData("customer_ssn", " 123456789 ")]
    [InlineData("socialSecurityNumber", "078051120")]
    public void Nine_bare_digits_under_an_ssn_name_are_an_ssn(string name, string value)
    {
        Assert.Equal("[REDACTED:ssn]", Redactor.ScrubValue(name, value).Trim());
        Assert.Equal("[REDACTED:ssn]", Redactor.ScrubNumber(name, value.Trim()));
    }

    [Theory]
    [InlineData("order_id", "123456789")]
    [InlineData("count", "123456789")]
    [InlineData("ssn", "912345678")] // no SSN starts with 9
    [InlineData("ssn", "123004567")] // group 00
    public void Nine_digits_without_ssn_context_or_with_an_impossible_ssn_stay(string name, string value)
    {
        Assert.Same(value, Redactor.ScrubValue(name, value));
        Assert.Null(Redactor.ScrubNumber(name, value));
    }

    [Theory]
    [InlineData("card", "4111111111111111", "[REDACTED:card]")]
    [InlineData("n", "-4111111111111111", "-[REDACTED:card]")]
    public void A_card_sent_as_a_json_number_becomes_text(string name, string raw, string expected)
    {
        Assert.Equal(expected, Redactor.ScrubNumber(name, raw));
    }

    [Theory]
    [InlineData("Authorization: Bearer eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl", "Authorization: Bearer [REDACTED:secret]")]
    [InlineData("calling with bearer abcdef0123456789 now", "calling with bearer [REDACTED:secret] now")]
    [InlineData("GET https://deploy:s3cr3t@git.example.com/repo.git", "GET https://[REDACTED:secret]@git.example.com/repo.git")]
    [InlineData("redis://:hunter2@cache:6379/0", "redis://[REDACTED:secret]@cache:6379/0")]
    [InlineData("login?user=bob&password=hunter2&next=/", "login?user=bob&password=[REDACTED:secret]&next=/")]
    [InlineData("{\"api_key\": \"ak_live_0123\"}", "{\"api_key\": \"[REDACTED:secret]\"}")]
    [InlineData("client_secret=xyz;", "client_secret=[REDACTED:secret];")]
    [InlineData("Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic [REDACTED:secret]")]
    public void Secrets_in_text_are_redacted_and_what_names_them_stays(string input, string expected)
    {
        Assert.Equal(expected, Redactor.Scrub(input));
        Assert.Equal(expected, Hasher.Scrub(input)); // never hashed
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("proxy-authorization")]
    [InlineData("password")]
    [InlineData("userPassword")]
    [InlineData("db.passwd")]
    [InlineData("client_secret")]
    [InlineData("X-Auth-Token")]
    [InlineData("access_token")]
    [InlineData("api_key")]
    [InlineData("x-api-key")]
    [InlineData("Cookie")]
    [InlineData("set-cookie")]
    [InlineData("aws.credentials")]
    [InlineData("private_key")]
    public void Values_under_secret_names_are_redacted_whole(string name)
    {
        Assert.Equal(PiiScrubber.SecretMarker, Redactor.ScrubValue(name, "anything at all"));
        Assert.Equal(PiiScrubber.SecretMarker, Hasher.ScrubNumber(name, "1234"));
    }

    [Theory]
    [InlineData("input_tokens", "523")]
    [InlineData("token_count", "12")]
    [InlineData("gen_ai.usage.output_tokens", "77")]
    [InlineData("session_id", "s-42")]
    [InlineData("keyboard", "qwerty")]
    public void Names_that_only_look_like_secrets_keep_their_values(string name, string value)
    {
        Assert.Same(value, Redactor.ScrubValue(name, value));
    }

    [Theory]
    [InlineData("from 10.1.2.3 ok", "from [REDACTED:ip] ok")]
    [InlineData("client_ip=172.16.254.1:8080", "client_ip=[REDACTED:ip]:8080")]
    [InlineData("peer 2001:db8::8a2e:370:7334 closed", "peer [REDACTED:ip] closed")]
    [InlineData("[fe80::1]:443", "[[REDACTED:ip]]:443")]
    [InlineData("via ::ffff:192.0.2.128", "via [REDACTED:ip]")]
    public void Ip_addresses_are_redacted_when_the_org_opts_in(string input, string expected)
    {
        Assert.Equal(expected, Everything.Scrub(input));
        Assert.Same(input, Redactor.Scrub(input));
    }

    [Theory]
    [InlineData("call +44 20 7946 0958 now", "call [REDACTED:phone] now")]
    [InlineData("call +1 (555) 123-4567", "call [REDACTED:phone]")]
    [InlineData("+4915112345678", "[REDACTED:phone]")]
    [InlineData("tel (555) 123-4567", "tel [REDACTED:phone]")]
    [InlineData("tel 555-123-4567.", "tel [REDACTED:phone].")]
    [InlineData("tel 06 12 34 56 78", "tel [REDACTED:phone]")]
    [InlineData("tel 020 7946 0958", "tel [REDACTED:phone]")]
    public void Phone_numbers_are_redacted_when_the_org_opts_in(string input, string expected)
    {
        Assert.Equal(expected, Everything.Scrub(input));
        Assert.Same(input, Redactor.Scrub(input));
    }

    [Fact]
    public void A_bare_number_under_a_phone_name_is_a_phone_number_when_the_org_opts_in()
    {
        Assert.Equal("[REDACTED:phone]", Everything.ScrubNumber("mobile", "447946095812"));
        Assert.Null(Redactor.ScrubNumber("mobile", "447946095812"));
    }

    [Theory]
    [InlineData("at 2025-10-31T10:00:00.123Z")]
    [InlineData("at 10:00:00")]
    [InlineData("trace 123e4567-e89b-12d3-a456-426614174000")]
    [InlineData("mac aa:bb:cc:dd:ee:ff")]
    [InlineData("std::vector<int>")]
    [InlineData("version v1.2.3.4")]
    [InlineData("oid 1.3.6.1.4.1.311")]
    [InlineData("date 06-12-2025")]
    [InlineData("order 4111111111111112 shipped")]
    [InlineData("took 1234567ms on port 8443")]
    [InlineData("count 123456789")]
    public void Look_alikes_stay_even_with_every_opt_in_rule_on(string input)
    {
        Assert.Same(input, Everything.Scrub(input));
    }

    [Theory]
    [InlineData("version 1.2.3.4")]
    [InlineData("from 192.168.100.200:8080")]
    [InlineData("call 555-123-4567")]
    public void Addresses_versions_and_phones_stay_while_the_opt_in_rules_are_off(string input)
    {
        Assert.Same(input, Redactor.Scrub(input));
        Assert.Same(input, Hasher.Scrub(input));
    }

    [Theory]
    [InlineData("card_4111111111111111_total", "card__REDACTED_card__total")]
    [InlineData("ssn_123456789", "ssn__REDACTED_ssn_")]
    [InlineData("http_requests_total", "http_requests_total")]
    public void Metric_and_label_names_are_scrubbed_into_valid_names(string name, string expected)
    {
        Assert.Equal(expected, Redactor.ScrubName(name));
    }

    [Theory]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("00f067aa0ba902b7")]
    [InlineData("4111111111111111")] // a W3C span id that happens to pass Luhn
    public void W3c_trace_and_span_ids_are_kept(string id)
    {
        Assert.Same(id, Redactor.ScrubIdentifier(id));
    }

    [Fact]
    public void Other_identifiers_are_scrubbed_like_text()
    {
        Assert.Equal("sess-[REDACTED:ssn]", Redactor.ScrubIdentifier("sess-123-45-6789"));
    }
}
