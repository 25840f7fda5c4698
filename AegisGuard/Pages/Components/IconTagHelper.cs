using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace AegisGuard.Pages.Components;

/// <summary>
/// <c>&lt;icon name="logs" /&gt;</c> → an inline SVG that uses the sprite in <c>_Icons.cshtml</c>. Decorative:
/// hidden from screen readers, so put a text label beside it.
/// </summary>
[HtmlTargetElement("icon", TagStructure = TagStructure.WithoutEndTag)]
public sealed class IconTagHelper : TagHelper
{
    /// <summary>The symbol name, e.g. <c>logs</c>, <c>copy</c>, <c>warning</c>.</summary>
    public string Name { get; set; } = "";

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        string extra = output.Attributes.TryGetAttribute("class", out var cls) ? " " + cls.Value : "";
        output.TagName = "svg";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("class", "icon" + extra);
        output.Attributes.SetAttribute("aria-hidden", "true");
        output.Attributes.SetAttribute("focusable", "false");
        output.Content.SetHtmlContent(Use(Name));
    }

    /// <summary>The whole SVG as markup, for other tag helpers.</summary>
    public static string Markup(string name, string? cssClass = null) =>
        $"<svg class=\"icon{(cssClass is null ? "" : " " + HtmlEncoder.Default.Encode(cssClass))}\" aria-hidden=\"true\" focusable=\"false\">{Use(name)}</svg>";

    private static string Use(string name) => $"<use href=\"#i-{HtmlEncoder.Default.Encode(name)}\"></use>";
}
