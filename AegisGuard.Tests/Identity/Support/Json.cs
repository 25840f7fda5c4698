using System.Net;
using System.Text.Json;

namespace AegisGuard.Tests.Identity.Support;

/// <summary>Reads answers and fails with the body in the message when the status is not the expected one.</summary>
public static class Json
{
    public static Task<JsonElement> OkAsync(HttpResponseMessage response) => StatusAsync(response, HttpStatusCode.OK);

    public static async Task<JsonElement> StatusAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        ArgumentNullException.ThrowIfNull(response);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)expected}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts a problem+json answer with <paramref name="status"/> and <c>error</c> = <paramref name="error"/>; returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? error = null)
    {
        var problem = await StatusAsync(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        if (error is not null)
        {
            Assert.Equal(error, problem.GetProperty("error").GetString());
        }

        return problem;
    }
}
