using Microsoft.AspNetCore.Razor.TagHelpers;

namespace AegisGuard.Pages.Components;

/// <summary>
/// A server-rendered banner; the child content is the detail. Kinds: <c>error</c>, <c>warning</c>, <c>info</c>,
/// <c>success</c>. wwwroot/js/problem-banner.js renders the same markup for problems returned to fetch() calls.
/// <code>&lt;alert-banner kind="warning" title="Disk nearly full"&gt;Ingestion answers 503…&lt;/alert-banner&gt;</code>
/// </summary>
[HtmlTargetElement("alert-banner")]
public sealed class AlertBannerTagHelper : TagHelper
{
    private static readonly Dictionary<string, string> Icons = new(StringComparer.Ordinal)
    {
        ["error"] = "error",
        ["warning"] = "warning",
        ["info"] = "info",
        ["success"] = "success",
    };

    public string Kind { get; set; } = "info";

    public string? Title { get; set; }

    /// <summary>Adds a close button (handled by site.js).</summary>
    public bool Dismissible { get; set; }

    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!Icons.TryGetValue(Kind, out string? icon))
        {
            throw new InvalidOperationException($"<alert-banner kind=\"{Kind}\">: kind must be error, warning, info or success.");
        }

        var detail = await output.GetChildContentAsync();
        string extra = output.Attributes.TryGetAttribute("class", out var cls) ? " " + cls.Value : "";
        output.TagName = "div";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("class", $"alert alert-{Kind}{extra}");
        output.Attributes.SetAttribute("role", Kind is "error" or "warning" ? "alert" : "status");
        output.Content.SetHtmlContent(IconTagHelper.Markup(icon, "alert-icon") + "<div class=\"alert-body\">");
        if (!string.IsNullOrEmpty(Title))
        {
            output.Content.AppendHtml("<p class=\"alert-title\">").Append(Title).AppendHtml("</p>");
        }

        if (!detail.IsEmptyOrWhiteSpace)
        {
            output.Content.AppendHtml("<div class=\"alert-detail\">").AppendHtml(detail).AppendHtml("</div>");
        }

        output.Content.AppendHtml("</div>");
        if (Dismissible)
        {
            output.Content.AppendHtml("<button type=\"button\" class=\"alert-close\" data-dismiss=\"alert\" aria-label=\"Dismiss\">" + IconTagHelper.Markup("close") + "</button>");
        }
    }
}
