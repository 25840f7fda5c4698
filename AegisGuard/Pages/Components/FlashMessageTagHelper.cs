using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace AegisGuard.Pages.Components;

/// <summary>
/// The outcome of the last form post after its redirect (post/redirect/get): a PageModel puts one sentence into
/// <c>TempData[FlashMessageTagHelper.Success]</c> (or <see cref="Error"/>) and redirects; the page shows it once as an
/// alert. Never put secrets here: TempData travels in a (protected) cookie.
/// <code>&lt;flash-message /&gt;</code>
/// </summary>
[HtmlTargetElement("flash-message", TagStructure = TagStructure.WithoutEndTag)]
public sealed class FlashMessageTagHelper : TagHelper
{
    public const string Success = "flash:success";
    public const string Error = "flash:error";

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext? ViewContext { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var tempData = ViewContext?.TempData;
        string? success = tempData?[Success] as string;
        string? error = tempData?[Error] as string;
        if (success is null && error is null)
        {
            output.SuppressOutput();
            return;
        }

        string kind = error is null ? "success" : "error";
        output.TagName = "div";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("class", $"alert alert-{kind}");
        output.Attributes.SetAttribute("role", error is null ? "status" : "alert");
        output.Attributes.SetAttribute("data-flash", kind);
        output.Content.SetHtmlContent(IconTagHelper.Markup(kind, "alert-icon") + "<div class=\"alert-body\"><p class=\"alert-title\">" +
            HtmlEncoder.Default.Encode(error ?? success!) + "</p></div>" +
            "<button type=\"button\" class=\"alert-close\" data-dismiss=\"alert\" aria-label=\"Dismiss\">" + IconTagHelper.Markup("close") + "</button>");
    }
}
