using System.Buffers.Text;
using System.Globalization;
using System.Text;
using AegisGuard.Storage.Traces;

namespace AegisGuard.Query.Traces;

/// <summary>The opaque cursor of trace search: the sort it belongs to and the last trace's (sort value, id), base64url.</summary>
public static class TraceCursor
{
    public static string Encode(TraceSort sort, TraceSearchCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        string text = string.Create(CultureInfo.InvariantCulture, $"{(sort == TraceSort.Duration ? 'd' : 't')}:{cursor.SortValue}:{cursor.TraceId}");
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>The position, or null (with a reason) when the text is not a cursor of this sort.</summary>
    public static TraceSearchCursor? Decode(string text, TraceSort sort, out string? reason)
    {
        reason = null;
        try
        {
            string decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text));
            string[] parts = decoded.Split(':', 3);
            if (parts.Length == 3 && parts[0].Length == 1 &&
                long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) && parts[2].Length is > 0 and <= 64)
            {
                if (parts[0][0] != (sort == TraceSort.Duration ? 'd' : 't'))
                {
                    reason = "belongs to a search with another sort";
                    return null;
                }

                return new TraceSearchCursor(value, parts[2]);
            }
        }
        catch (FormatException)
        {
            // falls through to the reason below
        }

        reason = "is not a cursor returned by this API";
        return null;
    }
}
