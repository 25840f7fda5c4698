using System.Net;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Identity;

/// <summary>
/// A client that accepts only <c>text/html</c> (a browser typing an API address, a crawler) still gets the API's clean
/// 401/403 problem+json from the authentication handlers and the session guard — never an empty 500 because no problem
/// writer matched its Accept header.
/// </summary>
public sealed class HtmlOnlyClientTests : IDisposable
{
    private readonly AegisAppFactory factory = IdentityApp.NewFactory();

    [Fact]
    public async Task Without_a_session_an_api_answers_401_problem_json()
    {
        using var client = factory.CreateClient();

        using var response = await client.SendAsync(HtmlOnly(HttpMethod.Get, "/api/keys"));

        var problem = await Json.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_member_without_the_permission_gets_403_problem_json()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (member, _) = await IdentityApp.MemberAsync(factory, admin, "html-only@example.com", "USER");

        using var response = await member.Http.SendAsync(HtmlOnly(HttpMethod.Get, "/api/users"));

        await Json.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_wrong_api_key_gets_401_problem_json()
    {
        using var client = factory.CreateClient();
        using var request = HtmlOnly(HttpMethod.Get, "/api/logs");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "obs_nosuchkey.wrong-secret");

        using var response = await client.SendAsync(request);

        await Json.ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_missing_csrf_token_gets_403_problem_json()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        using var request = HtmlOnly(HttpMethod.Post, "/api/keys");
        request.Content = System.Net.Http.Json.JsonContent.Create(Bodies.Key("no-token", "read"));

        using var response = await admin.Http.SendAsync(request);

        await Json.ProblemAsync(response, HttpStatusCode.Forbidden, "csrf_invalid");
    }

    [Fact]
    public async Task A_session_that_must_change_its_password_gets_403_problem_json()
    {
        var admin = new SessionClient(factory);
        await admin.LoginOkAsync(AegisGuard.Identity.Users.UserService.FirstAdminEmail, AegisGuard.Identity.Users.UserService.FirstAdminPassword);

        using var response = await admin.Http.SendAsync(HtmlOnly(HttpMethod.Get, "/api/keys"));

        await Json.ProblemAsync(response, HttpStatusCode.Forbidden, "password_change");
    }

    private static HttpRequestMessage HtmlOnly(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Accept.ParseAdd("text/html");
        return request;
    }

    public void Dispose() => factory.Dispose();
}
