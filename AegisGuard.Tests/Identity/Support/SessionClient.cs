using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace AegisGuard.Tests.Identity.Support;

/// <summary>
/// A browser-like client of the JSON API: keeps the session cookies in its own container (so a test can read or
/// plant them, e.g. to replay an old refresh token), sends X-CSRF-TOKEN on unsafe requests once it has one, and
/// can pretend to come from another address through X-Forwarded-For (the test app trusts loopback as a proxy).
/// </summary>
public sealed class SessionClient
{
    public static readonly Uri BaseAddress = new("http://localhost");

    public SessionClient(WebApplicationFactory<Program> factory, string? forwardedFor = null)
    {
        Cookies = new CookieContainer();
        Http = factory.CreateDefaultClient(BaseAddress, new CookieContainerHandler(Cookies));
        ForwardedFor = forwardedFor;
    }

    public HttpClient Http { get; }

    public CookieContainer Cookies { get; }

    /// <summary>The antiforgery token sent as X-CSRF-TOKEN (set by login, refresh, password change, or <see cref="FetchCsrfAsync"/>).</summary>
    public string? CsrfToken { get; set; }

    /// <summary>The client address to claim via X-Forwarded-For, or null.</summary>
    public string? ForwardedFor { get; set; }

    /// <summary>The value of a session cookie, or null.</summary>
    public string? Cookie(string name) => Cookies.GetCookies(BaseAddress)[name]?.Value;

    /// <summary>Replaces a cookie's value, as an attacker holding a stolen token would.</summary>
    public void SetCookie(string name, string value) => Cookies.Add(BaseAddress, new Cookie(name, value, "/"));

    public async Task<HttpResponseMessage> LoginAsync(string email, string password, string? totp = null)
    {
        var response = await SendAsync(HttpMethod.Post, "/api/auth/login", new { email, password, totp });
        await RememberCsrfAsync(response);
        return response;
    }

    /// <summary>Signs in and fails the test unless it worked.</summary>
    public async Task<JsonElement> LoginOkAsync(string email, string password, string? totp = null)
    {
        using var response = await LoginAsync(email, password, totp);
        return await Json.OkAsync(response);
    }

    public async Task<string> FetchCsrfAsync()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/auth/csrf");
        var body = await Json.OkAsync(response);
        CsrfToken = body.GetProperty("token").GetString();
        return CsrfToken!;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<HttpResponseMessage> PostAsync(string path, object? body = null) => SendAsync(HttpMethod.Post, path, body ?? new { });

    public Task<HttpResponseMessage> PutAsync(string path, object body) => SendAsync(HttpMethod.Put, path, body);

    public Task<HttpResponseMessage> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, bool withCsrf = true)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (withCsrf && CsrfToken is not null && method != HttpMethod.Get)
        {
            request.Headers.Add("X-CSRF-TOKEN", CsrfToken);
        }

        if (ForwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", ForwardedFor);
        }

        var response = await Http.SendAsync(request);
        if (path is "/api/auth/refresh" or "/api/auth/password" or "/api/auth/switch-org")
        {
            await RememberCsrfAsync(response);
        }

        return response;
    }

    private async Task RememberCsrfAsync(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return;
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (json.RootElement.TryGetProperty("csrf_token", out var token))
        {
            CsrfToken = token.GetString();
        }
    }
}
