using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace AegisGuard.Pages.Errors;

/// <summary>
/// The page a browser sees for an unhandled exception (the exception handler re-executes <c>/error</c>) and for error
/// statuses without a page of their own (<c>/status/{code}</c>). It names the request id to quote, never the exception:
/// details stay in the server log. A failed request from a script (an API call) gets problem+json here instead, exactly
/// as the appliance's problem-details exception handler would answer it.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel(IProblemDetailsService problems) : PageModel
{
    public int Status { get; private set; } = StatusCodes.Status500InternalServerError;

    public string Heading { get; private set; } = "";

    public string Explanation { get; private set; } = "";

    public string RequestId { get; private set; } = "";

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var failure = HttpContext.Features.Get<IExceptionHandlerPathFeature>();
        if (failure is not null && !WebUi.IsBrowserNavigation(HttpContext, failure.Path))
        {
            Response.StatusCode = StatusCodes.Status500InternalServerError;
            bool written = await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = HttpContext,
                Exception = failure.Error,
                AdditionalMetadata = failure.Endpoint?.Metadata,
                ProblemDetails = { Status = StatusCodes.Status500InternalServerError },
            });
            context.Result = written ? new EmptyResult() : Content("An error occurred while processing your request.", "text/plain");
            return;
        }

        int? code = int.TryParse(RouteData.Values["code"]?.ToString(), System.Globalization.CultureInfo.InvariantCulture, out int routeCode) ? routeCode : null;
        Describe(failure is not null, code);
        await next();
    }

    // Every method: a re-executed request keeps its method (a failed form POST re-executes as POST).
    public void OnGet(int? code)
    {
    }

    public void OnPost(int? code)
    {
    }

    public void OnPut(int? code)
    {
    }

    public void OnDelete(int? code)
    {
    }

    public void OnPatch(int? code)
    {
    }

    private void Describe(bool exception, int? code)
    {
        Status = exception ? StatusCodes.Status500InternalServerError
            : code is >= 400 and <= 599 ? code.Value
            : Response.StatusCode >= 400 ? Response.StatusCode
            : StatusCodes.Status500InternalServerError;
        Response.StatusCode = Status;
        RequestId = Activity.Current?.TraceId.ToString() ?? HttpContext.TraceIdentifier;
        (Heading, Explanation) = Status switch
        {
            400 => ("Bad request", "The request could not be understood. If you were submitting a form, reload the page and try again."),
            401 => ("Sign-in required", "This page needs a signed-in user."),
            405 => ("Not allowed here", "This address does not accept that kind of request."),
            413 => ("Too large", "The request was larger than this server accepts."),
            429 => ("Too many requests", "Slow down a little and try again in a moment."),
            503 => ("Temporarily unavailable", "The appliance cannot serve this right now. Try again in a moment; the health page says why."),
            >= 500 => ("Something went wrong", "The appliance hit an unexpected error while building this page. It has been logged with the request id below."),
            _ => (ReasonPhrases.GetReasonPhrase(Status) is { Length: > 0 } phrase ? phrase : "Error", "The request could not be completed."),
        };
    }
}
