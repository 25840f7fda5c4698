using Microsoft.AspNetCore.Razor.TagHelpers;

namespace AegisGuard.Pages.Components;

/// <summary>
/// What a page shows when it has nothing to show yet: an icon, a title and, as child content, what to do about it
/// (never just "no data").
/// <code>&lt;empty-state icon="inbox" title="No telemetry yet"&gt;&lt;p&gt;Send a first batch…&lt;/p&gt;&lt;/empty-state&gt;</code>
/// </summary>
[HtmlTargetElement("empty-state")]
public sealed class EmptyStateTagHelper : TagHelper
{
    public string Title { get; set; } = "";

    public string Icon { get; set; } = "inbox";

    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var body = await output.GetChildContentAsync();
        string extra = output.Attributes.TryGetAttribute("class", out var cls) ? " " + cls.Value : "";
        output.TagName = "section";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("class", "empty-state" + extra);
        output.Content.SetHtmlContent("<div class=\"empty-state-icon\">" + IconTagHelper.Markup(Icon) + "</div><h2 class=\"empty-state-title\">");
        output.Content.Append(Title);
        output.Content.AppendHtml("</h2><div class=\"empty-state-body\">").AppendHtml(body).AppendHtml("</div>");
    }
}
