using Microsoft.AspNetCore.Razor.TagHelpers;

namespace AegisGuard.Pages.Components;

/// <summary>
/// An empty, hidden place for errors of the page's fetch() calls. Show one with
/// <c>showProblem(element, error)</c> from wwwroot/js/problem-banner.js: title, detail and per-field errors of an
/// RFC 7807 problem, in the same look as <see cref="AlertBannerTagHelper"/>.
/// <code>&lt;problem-banner id="keys-problem" /&gt;</code>
/// </summary>
[HtmlTargetElement("problem-banner", TagStructure = TagStructure.WithoutEndTag)]
public sealed class ProblemBannerTagHelper : TagHelper
{
    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.TagName = "div";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("class", "alert alert-error");
        output.Attributes.SetAttribute("role", "alert");
        output.Attributes.SetAttribute("data-problem-banner", "");
        output.Attributes.SetAttribute("hidden", "hidden");
    }
}
