using System.Net;
using System.Text.Json;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Query.Logs;

/// <summary>
/// /api/views: saved views of the Logs explorer, per user and shared in the org; views.write to change them, the org
/// and the owner in every lookup, an audit entry for every change and problem+json naming the field for bad input.
/// </summary>
public sealed class SavedViewsApiTests : IDisposable
{
    private readonly AegisAppFactory factory = IdentityApp.NewFactory();

    private static object View(string name, bool shared = false, string query = "{service=\"api\"} |= \"timeout\"", string? range = "1h",
        string? from = null, string? to = null, string[]? columns = null) =>
        new { name, query, range, from, to, columns = columns ?? ["user_id"], shared };

    [Fact]
    public async Task A_saved_view_keeps_query_range_and_columns_and_is_audited_on_every_change()
    {
        var admin = await IdentityApp.AdminAsync(factory);

        var created = await Json.StatusAsync(await admin.PostAsync("/api/views", View("API timeouts", columns: ["user_id", "status"])), HttpStatusCode.Created);
        string id = created.GetProperty("id").GetString()!;
        Assert.Equal("API timeouts", created.GetProperty("name").GetString());
        Assert.Equal("{service=\"api\"} |= \"timeout\"", created.GetProperty("query").GetString());
        Assert.Equal("1h", created.GetProperty("range").GetString());
        Assert.Equal(["user_id", "status"], created.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.False(created.GetProperty("shared").GetBoolean());

        var fixedRange = await Json.OkAsync(await admin.PutAsync($"/api/views/{id}",
            View("API timeouts (incident)", range: null, from: "2026-11-30T10:00:00Z", to: "2026-11-30T11:30:00Z", columns: ["status"])));
        Assert.Equal(JsonValueKind.Null, fixedRange.GetProperty("range").ValueKind);
        Assert.Equal(new DateTime(2026, 11, 30, 10, 0, 0, DateTimeKind.Utc), fixedRange.GetProperty("from").GetDateTime().ToUniversalTime());
        Assert.Equal(new DateTime(2026, 11, 30, 11, 30, 0, DateTimeKind.Utc), fixedRange.GetProperty("to").GetDateTime().ToUniversalTime());

        var listed = await Json.OkAsync(await admin.GetAsync("/api/views"));
        Assert.Equal(["API timeouts (incident)"], listed.EnumerateArray().Select(v => v.GetProperty("name").GetString()));
        Assert.Equal(["status"], (await Json.OkAsync(await admin.GetAsync($"/api/views/{id}"))).GetProperty("columns").EnumerateArray().Select(c => c.GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/views/{id}")).StatusCode);
        await Json.ProblemAsync(await admin.GetAsync($"/api/views/{id}"), HttpStatusCode.NotFound, "not_found");
        Assert.Empty((await Json.OkAsync(await admin.GetAsync("/api/views"))).EnumerateArray());

        var audit = await IdentityApp.AuditAsync(admin, "action=view.");
        Assert.Equal(["view.deleted", "view.updated", "view.created"], audit.Select(e => e.GetProperty("action").GetString()));
        Assert.All(audit, e => Assert.Equal($"view:{id}", e.GetProperty("target").GetString()));
    }

    [Fact]
    public async Task A_private_view_is_its_owners_alone_and_a_shared_one_is_the_orgs()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (member, _) = await IdentityApp.MemberAsync(factory, admin, "user@a.example.com", "USER");
        var (viewer, _) = await IdentityApp.MemberAsync(factory, admin, "viewer@a.example.com", "VIEWER");
        string mine = (await Json.StatusAsync(await member.PostAsync("/api/views", View("mine")), HttpStatusCode.Created)).GetProperty("id").GetString()!;
        string team = (await Json.StatusAsync(await member.PostAsync("/api/views", View("team", shared: true)), HttpStatusCode.Created)).GetProperty("id").GetString()!;

        Assert.Equal(["team"], await NamesAsync(admin));
        Assert.Equal(["mine", "team"], await NamesAsync(member));
        Assert.Equal(["team"], await NamesAsync(viewer));
        await Json.ProblemAsync(await admin.GetAsync($"/api/views/{mine}"), HttpStatusCode.NotFound);
        await Json.ProblemAsync(await admin.PutAsync($"/api/views/{mine}", View("taken")), HttpStatusCode.NotFound);
        await Json.ProblemAsync(await admin.DeleteAsync($"/api/views/{mine}"), HttpStatusCode.NotFound);
        Assert.Equal("user@a.example.com", (await Json.OkAsync(await viewer.GetAsync($"/api/views/{team}"))).GetProperty("owner").GetString());

        // VIEWER uses views but may not create or change them.
        await Json.ProblemAsync(await viewer.PostAsync("/api/views", View("viewer's")), HttpStatusCode.Forbidden);
        await Json.ProblemAsync(await viewer.PutAsync($"/api/views/{team}", View("renamed", shared: true)), HttpStatusCode.Forbidden);
        await Json.ProblemAsync(await viewer.DeleteAsync($"/api/views/{team}"), HttpStatusCode.Forbidden);
        Assert.Equal(["team"], await NamesAsync(viewer));

        // Another member with views.write may change the shared one.
        Assert.Equal("team, renamed", (await Json.OkAsync(await admin.PutAsync($"/api/views/{team}", View("team, renamed", shared: true)))).GetProperty("name").GetString());
        Assert.Equal(["mine", "team, renamed"], await NamesAsync(member));
    }

    [Fact]
    public async Task A_view_of_another_org_is_not_found_for_reading_changing_or_deleting()
    {
        var adminA = await IdentityApp.AdminAsync(factory);
        var (_, ownerB) = await IdentityApp.OtherOrgAsync(factory, "org-b", "owner@b.example.com");
        string viewB = (await Json.StatusAsync(await ownerB.PostAsync("/api/views", View("b only", shared: true)), HttpStatusCode.Created)).GetProperty("id").GetString()!;

        Assert.Empty((await Json.OkAsync(await adminA.GetAsync("/api/views"))).EnumerateArray());
        await Json.ProblemAsync(await adminA.GetAsync($"/api/views/{viewB}"), HttpStatusCode.NotFound, "not_found");
        await Json.ProblemAsync(await adminA.PutAsync($"/api/views/{viewB}", View("hijacked", shared: true)), HttpStatusCode.NotFound, "not_found");
        await Json.ProblemAsync(await adminA.DeleteAsync($"/api/views/{viewB}"), HttpStatusCode.NotFound, "not_found");

        var kept = await Json.OkAsync(await ownerB.GetAsync($"/api/views/{viewB}"));
        Assert.Equal("b only", kept.GetProperty("name").GetString());
        Assert.Empty(await IdentityApp.AuditAsync(adminA, "action=view."));
    }

    [Theory]
    [InlineData("""{"name":"","query":"{}","range":"1h"}""", "name")]
    [InlineData("""{"name":"x","query":"{service=\"api\", | json","range":"1h"}""", "query")]
    [InlineData("""{"name":"x","query":"","range":"1h"}""", "query")]
    [InlineData("""{"name":"x","query":"{}","range":"2h"}""", "range")]
    [InlineData("""{"name":"x","query":"{}","from":"yesterday","to":"2026-11-30T11:00:00Z"}""", "from")]
    [InlineData("""{"name":"x","query":"{}","from":"2026-11-30T12:00:00Z","to":"2026-11-30T11:00:00Z"}""", "from")]
    [InlineData("""{"name":"x","query":"{}","from":"2026-11-30T10:00:00Z"}""", "to")]
    [InlineData("""{"name":"x","query":"{}","range":"1h","columns":["ok","bad name"]}""", "columns")]
    [InlineData("""{"name":"x","query":"{}","range":"1h","columns":["a","a"]}""", "columns")]
    public async Task Bad_input_is_a_problem_naming_the_field(string body, string field)
    {
        var admin = await IdentityApp.AdminAsync(factory);

        var problem = await Json.ProblemAsync(await admin.SendAsync(HttpMethod.Post, "/api/views", JsonDocument.Parse(body).RootElement), HttpStatusCode.UnprocessableEntity, "validation_failed");

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var reasons), problem.ToString());
        Assert.False(string.IsNullOrWhiteSpace(reasons[0].GetString()));
        Assert.StartsWith(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await Json.OkAsync(await admin.GetAsync("/api/views"))).EnumerateArray());
    }

    [Fact]
    public async Task A_view_id_that_is_not_a_number_is_not_found()
    {
        var admin = await IdentityApp.AdminAsync(factory);

        await Json.ProblemAsync(await admin.GetAsync("/api/views/abc"), HttpStatusCode.NotFound, "not_found");
        await Json.ProblemAsync(await admin.PutAsync("/api/views/-1", View("x")), HttpStatusCode.NotFound, "not_found");
    }

    private static async Task<List<string?>> NamesAsync(SessionClient client) =>
        (await Json.OkAsync(await client.GetAsync("/api/views"))).EnumerateArray().Select(v => v.GetProperty("name").GetString()).ToList();

    public void Dispose() => factory.Dispose();
}
