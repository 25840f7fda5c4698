using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace AegisGuard.Pages.Components;

/// <summary>
/// A button that copies text to the clipboard (wwwroot/js/site.js wires every such button, no inline script):
/// the text content of the element matching <see cref="Target"/>, or the literal <see cref="Text"/>.
/// <code>&lt;copy-button target="#key-secret" /&gt;   &lt;copy-button text="@key.Id" label="Copy id" /&gt;</code>
/// </summary>
[HtmlTargetElement("copy-button", TagStructure = TagStructure.WithoutEndTag)]
public sealed class CopyButtonTagHelper : TagHelper
{
    /// <summary>CSS selector of the element whose text is copied.</summary>
    public string? Target { get; set; }

    /// <summary>Literal text to copy (instead of a target).</summary>
    public string? Text { get; set; }

    public string Label { get; set; } = "Copy";

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.TagName = null;
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Content.SetHtmlContent(Markup(Target, Text, Label));
    }

    public static string Markup(string? target, string? text, string label)
    {
        var encoder = HtmlEncoder.Default;
        string source = target is not null
            ? $"data-copy-target=\"{encoder.Encode(target)}\""
            : $"data-copy-text=\"{encoder.Encode(text ?? "")}\"";
        return $"<button type=\"button\" class=\"btn btn-ghost btn-sm copy-button\" {source} title=\"Copy to clipboard\">" +
               IconTagHelper.Markup("copy") + $"<span data-copy-label>{encoder.Encode(label)}</span></button>";
    }
}
