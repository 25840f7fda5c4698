using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AegisGuard.Identity;

/// <summary>The RFC 7807 answers of the identity, key, settings and audit APIs, each with a machine-readable <c>error</c>.</summary>
public static class IdentityProblems
{
    public static ProblemHttpResult Problem(int status, string title, string detail, string error, IDictionary<string, object?>? extra = null)
    {
        var extensions = new Dictionary<string, object?> { ["error"] = error };
        if (extra is not null)
        {
            foreach (var (key, value) in extra)
            {
                extensions[key] = value;
            }
        }

        return TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);
    }

    /// <summary>422 naming each failing field (<c>errors["field"]</c>), with the first reason as the detail.</summary>
    public static ProblemHttpResult Invalid(IDictionary<string, string[]> errors, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var first = errors.First();
        var problem = new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "Invalid request",
            Detail = detail ?? $"{first.Key} {first.Value.FirstOrDefault()}",
        };
        problem.Extensions["error"] = "validation_failed";
        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult Invalid(string field, string reason) => Invalid(new Dictionary<string, string[]> { [field] = [reason] });

    public static ProblemHttpResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not found", detail, "not_found");

    public static ProblemHttpResult Forbidden(string detail, string error = "forbidden") => Problem(StatusCodes.Status403Forbidden, "Forbidden", detail, error);

    public static ProblemHttpResult Conflict(string detail, string error) => Problem(StatusCodes.Status409Conflict, "Conflict", detail, error);

    public static ProblemHttpResult Unauthorized(string detail, string error) => Problem(StatusCodes.Status401Unauthorized, "Unauthorized", detail, error);

    /// <summary>429 with Retry-After in whole seconds.</summary>
    public static ProblemHttpResult TooManyRequests(HttpContext http, TimeSpan retryAfter, string detail, string error)
    {
        ArgumentNullException.ThrowIfNull(http);
        int seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Problem(StatusCodes.Status429TooManyRequests, "Too many attempts", detail, error, new Dictionary<string, object?> { ["retry_after_seconds"] = seconds });
    }

    /// <summary>
    /// Writes <paramref name="problem"/> from code that runs outside an endpoint (authentication handlers, middleware).
    /// <see cref="IProblemDetailsService.WriteAsync"/> throws when no writer accepts the request's <c>Accept</c> header
    /// (a browser asking for <c>text/html</c> only), which would turn a clean 401/403 into an empty 500; so this tries
    /// the service first (it adds the trace id and the customisations) and otherwise writes plain problem+json itself.
    /// </summary>
    public static async Task WriteAsync(HttpContext http, IProblemDetailsService problems, ProblemDetails problem)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(problem);
        http.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        if (await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem }))
        {
            return;
        }

        await http.Response.WriteAsJsonAsync(problem, problem.GetType(), options: null, contentType: "application/problem+json", http.RequestAborted);
    }

    /// <summary>The same 401 for every wrong sign-in: unknown e-mail, wrong password, no membership.</summary>
    public static ProblemHttpResult InvalidCredentials() =>
        Unauthorized("The e-mail address or password is wrong.", "invalid_credentials");
}
