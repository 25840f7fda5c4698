using AegisGuard.Storage.Parquet.Logs;

namespace AegisGuard.Tests.Query.LogQl;

/// <summary>
/// The fields <c>| logfmt</c> and <c>| json</c> extract, compared with what Grafana Loki's parsers give for the same
/// line (pkg/logql/log/parser.go, pkg/logql/log/logfmt/decode.go, sanitizeLabelKey).
/// </summary>
public sealed class LokiFieldExtractionTests
{
    [Theory]
    [InlineData("msg=\"upstream replied code=503 route=/oops\" code=200", "code", "200")]
    [InlineData("msg=\"upstream replied code=503 route=/oops\" code=200", "route", null)]
    [InlineData("msg=\"upstream replied code=503 route=/oops\" code=200", "msg", "upstream replied code=503 route=/oops")]
    [InlineData("err=\"conn \\\"reset\\\"\" next=1", "err", "conn \"reset\"")]
    [InlineData("path=\"x\\\\y\"", "path", "x\\y")]
    [InlineData("a=\"tab\\there\\u00e9\"", "a", "tab\there\u00e9")]
    [InlineData("a=1 a=2", "a", "1")]
    [InlineData("a= b=2", "a", null)]
    [InlineData("a= b=2", "b", "2")]
    [InlineData("flag b=2", "flag", null)]
    [InlineData("x=a=b y=ok", "x", null)]
    [InlineData("x=a=b y=ok", "y", "ok")]
    [InlineData("content-type=json 1st=yes", "content_type", "json")]
    [InlineData("content-type=json 1st=yes", "_1st", "yes")]
    [InlineData("http.route=/a", "http_route", "/a")]
    [InlineData("http.route=/a", "http.route", "/a")]
    [InlineData("level=warn msg=x", "level_extracted", "warn")]
    [InlineData("broken=\"never closed code=1", "code", null)]
    [InlineData("bad=\"x\\qy\" ok=1", "bad", null)]
    [InlineData("bad=\"x\\qy\" ok=1", "ok", "1")]
    [InlineData("  \t k=v", "k", "v")]
    public void Logfmt_is_tokenised_and_unescaped_as_loki_does(string line, string name, string? expected)
    {
        Assert.Equal(expected, LogfmtFields.Find(line, name));
    }

    [Theory]
    [InlineData(" {\"a\":1}", "a", "1")]
    [InlineData("\n\t{\"a\":\"x\"}", "a", "x")]
    [InlineData("{\"user\":{\"plan\":\"pro\",\"id\":7}}", "user_plan", "pro")]
    [InlineData("{\"user\":{\"plan\":\"pro\",\"id\":7}}", "user_id", "7")]
    [InlineData("{\"user\":{\"plan\":\"pro\"}}", "user.plan", "pro")]
    [InlineData("{\"user\":{\"plan\":\"pro\"}}", "user", null)]
    [InlineData("{\"content-type\":\"text/html\"}", "content_type", "text/html")]
    [InlineData("{\"1a\":\"x\"}", "_1a", "x")]
    [InlineData("{\"a\":{\"1b\":\"x\"}}", "a_1b", "x")]
    [InlineData("{\"price\":2.50}", "price", "2.50")]
    [InlineData("{\"n\":1e1}", "n", "1e1")]
    [InlineData("{\"n\":-0.0}", "n", "-0.0")]
    [InlineData("{\"tags\":[\"a\",\"b\"],\"x\":1}", "tags", null)]
    [InlineData("{\"tags\":[\"a\",\"b\"],\"x\":1}", "x", "1")]
    [InlineData("{\"n\":null}", "n", null)]
    [InlineData("{\"ok\":true,\"no\":false}", "no", "false")]
    [InlineData("{\"s\":\"a\\\"b\\u00e9\"}", "s", "a\"b\u00e9")]
    [InlineData("{\"a\":1,\"a\":2}", "a", "1")]
    [InlineData("{\"a_b\":1,\"a\":{\"b\":2}}", "a_b", "1")]
    [InlineData("{\"level\":\"warn\"}", "level_extracted", "warn")]
    [InlineData("{\"a\":1,\"b\":tru", "a", "1")]
    [InlineData("{\"a\":1,\"b\":tru", "b", null)]
    [InlineData("{\"a\":1} trailing", "a", "1")]
    [InlineData("[{\"a\":1}]", "a", null)]
    [InlineData("not json a=1", "a", null)]
    public void Json_fields_are_named_and_written_as_loki_names_them(string line, string name, string? expected)
    {
        Assert.Equal(expected, JsonFields.Find(line, name));
    }

    [Fact]
    public void Every_json_field_is_listed_once_in_document_order()
    {
        var fields = JsonFields.All("{\"msg\":\"hi\",\"user\":{\"plan\":\"pro\",\"tags\":[1]},\"msg\":\"again\",\"x-y\":2.50}");

        Assert.Equal(["msg=hi", "user_plan=pro", "x_y=2.50"], fields.Select(f => $"{f.Key}={f.Value}"));
    }
}
