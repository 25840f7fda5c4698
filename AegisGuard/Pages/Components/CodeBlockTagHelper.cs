using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace AegisGuard.Pages.Components;

/// <summary>
/// A block of code or shell commands with a copy button. Pass the text as an expression so Razor encodes it:
/// <code>&lt;code-block id="send-batch" label="shell"&gt;@Model.Command&lt;/code-block&gt;</code>
/// Leading and trailing whitespace of the content is trimmed, so the markup may be indented.
/// </summary>
[HtmlTargetElement("code-block")]
public sealed class CodeBlockTagHelper : TagHelper
{
    /// <summary>The id of the &lt;code&gt; element (required: the copy button targets it).</summary>
    public string Id { get; set; } = "";

    /// <summary>A caption such as <c>shell</c> or <c>JSON</c>.</summary>
    public string? Label { get; set; }

    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (string.IsNullOrEmpty(Id))
        {
            throw new InvalidOperationException("<code-block> needs an id for its copy button.");
        }

        string code = (await output.GetChildContentAsync()).GetContent().Trim();
        string id = HtmlEncoder.Default.Encode(Id);
        output.TagName = "figure";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("class", "code-block");
        output.Content.SetHtmlContent("<figcaption class=\"code-block-bar\"><span class=\"code-block-label\">");
        output.Content.Append(Label ?? "");
        output.Content.AppendHtml("</span>" + CopyButtonTagHelper.Markup("#" + id, null, "Copy") + "</figcaption>");
        output.Content.AppendHtml($"<pre><code id=\"{id}\">{code}</code></pre>");
    }
}
