using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace AegisGuard.Pages.Components;

/// <summary>
/// The time-range control: the presets of <see cref="TimeRangePreset.All"/> plus a custom from/to. The markup carries
/// every preset's duration (<c>data-ms</c>), so wwwroot/js/time-range.js needs no copy of the list. The script keeps
/// the range in the URL (<c>?range=1h</c> or <c>?from=…&amp;to=…</c>, ISO 8601) and dispatches
/// <c>timerangechange</c> events; see that module for the API.
/// <code>&lt;time-range-picker id="range" default="1h" /&gt;</code>
/// </summary>
[HtmlTargetElement("time-range-picker", TagStructure = TagStructure.WithoutEndTag)]
public sealed class TimeRangePickerTagHelper : TagHelper
{
    public string Id { get; set; } = "time-range";

    /// <summary>The preset used when the URL names none.</summary>
    public string Default { get; set; } = "1h";

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (TimeRangePreset.All.All(p => p.Key != Default))
        {
            throw new InvalidOperationException($"<time-range-picker default=\"{Default}\">: not one of the presets.");
        }

        var encoder = HtmlEncoder.Default;
        string id = encoder.Encode(Id);
        var html = new StringBuilder();
        html.Append("<div class=\"segmented\" role=\"group\" aria-label=\"Time range\">");
        foreach (var preset in TimeRangePreset.All)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<button type=\"button\" class=\"segmented-item\" data-range=\"{preset.Key}\" data-ms=\"{(long)preset.Duration.TotalMilliseconds}\" title=\"{encoder.Encode(preset.Label)}\" aria-pressed=\"false\">{preset.Key}</button>");
        }

        html.Append("<button type=\"button\" class=\"segmented-item\" data-range=\"custom\" aria-pressed=\"false\" aria-expanded=\"false\">")
            .Append(IconTagHelper.Markup("clock")).Append("<span>Custom</span></button></div>");
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"time-range-custom\" data-custom hidden>")
            .Append(CultureInfo.InvariantCulture, $"<label>From <input type=\"datetime-local\" step=\"1\" name=\"from\" id=\"{id}-from\"></label>")
            .Append(CultureInfo.InvariantCulture, $"<label>To <input type=\"datetime-local\" step=\"1\" name=\"to\" id=\"{id}-to\"></label>")
            .Append("<button type=\"button\" class=\"btn btn-primary btn-sm\" data-apply>Apply</button>")
            .Append("<p class=\"field-error\" data-error hidden></p></div>")
            .Append("<span class=\"time-range-label\" data-label aria-live=\"polite\"></span>");

        output.TagName = "div";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("id", Id);
        output.Attributes.SetAttribute("class", "time-range");
        output.Attributes.SetAttribute("data-time-range", "");
        output.Attributes.SetAttribute("data-default", Default);
        output.Content.SetHtmlContent(html.ToString());
    }
}
