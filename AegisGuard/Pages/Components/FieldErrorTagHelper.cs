using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace AegisGuard.Pages.Components;

/// <summary>
/// The error of one form field, next to the field: the messages the PageModel put into <c>ModelState</c> under
/// <see cref="For"/> (nothing is rendered when there are none). Put it inside the field's <c>.field</c> wrapper; the
/// stylesheet then marks the input as invalid too.
/// <code>&lt;field-error for="RetentionDays" /&gt;</code>
/// </summary>
[HtmlTargetElement("field-error", TagStructure = TagStructure.WithoutEndTag)]
public sealed class FieldErrorTagHelper : TagHelper
{
    /// <summary>The ModelState key, usually the bound property's or the handler parameter's name.</summary>
    public string For { get; set; } = "";

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext? ViewContext { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (ViewContext is null || !ViewContext.ViewData.ModelState.TryGetValue(For, out var entry) || entry.Errors.Count == 0)
        {
            output.SuppressOutput();
            return;
        }

        output.TagName = "p";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("class", "field-error");
        output.Attributes.SetAttribute("id", For + "-error");
        output.Attributes.SetAttribute("data-field-error", For);
        output.Content.SetContent(string.Join(" ", entry.Errors.Select(e => e.ErrorMessage)));
    }
}
