using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace AegisGuard.Pages.Components;

/// <summary>
/// The top of every page: title, optional subtitle and the page's actions (the child content, usually buttons).
/// <code>&lt;page-header title="API keys" subtitle="Keys of org Default"&gt;&lt;button class="btn btn-primary"&gt;New key&lt;/button&gt;&lt;/page-header&gt;</code>
/// Also sets <c>ViewData["Title"]</c> (the browser tab's title) when the page has not.
/// </summary>
[HtmlTargetElement("page-header")]
public sealed class PageHeaderTagHelper : TagHelper
{
    public string Title { get; set; } = "";

    public string? Subtitle { get; set; }

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext? ViewContext { get; set; }

    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (ViewContext is not null && ViewContext.ViewData["Title"] is null)
        {
            ViewContext.ViewData["Title"] = Title;
        }

        var actions = await output.GetChildContentAsync();
        output.TagName = "header";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("class", "page-header");
        output.Content.SetHtmlContent("<div class=\"page-header-text\"><h1 class=\"page-title\">");
        output.Content.Append(Title);
        output.Content.AppendHtml("</h1>");
        if (!string.IsNullOrEmpty(Subtitle))
        {
            output.Content.AppendHtml("<p class=\"page-subtitle\">").Append(Subtitle).AppendHtml("</p>");
        }

        output.Content.AppendHtml("</div>");
        if (!actions.IsEmptyOrWhiteSpace)
        {
            output.Content.AppendHtml("<div class=\"page-actions\">").AppendHtml(actions).AppendHtml("</div>");
        }
    }
}
