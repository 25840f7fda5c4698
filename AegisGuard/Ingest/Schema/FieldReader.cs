using System.Globalization;
using System.Text.Json;

namespace AegisGuard.Ingest.Schema;

/// <summary>Typed reads of one item's fields that record a precise error (item index, field, reason) on failure.</summary>
internal static class FieldReader
{
    public static string? String(JsonProperty property, int index, DecodeContext context, int maxLength, bool allowEmpty = true)
    {
        if (property.Value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (property.Value.ValueKind != JsonValueKind.String)
        {
            context.Fail(index, property.Name, $"must be a string, not {Describe(property.Value.ValueKind)}");
            return null;
        }

        string value = property.Value.GetString()!;
        if (value.Length > maxLength)
        {
            context.Fail(index, property.Name, $"is {value.Length} characters long; the limit is {maxLength}");
            return null;
        }

        if (!allowEmpty && value.Length == 0)
        {
            context.Fail(index, property.Name, "must not be empty");
            return null;
        }

        // Valid JSON, but the store's string columns are written through an interface that ends text at a NUL
        // (measured with DuckDB.NET 1.5.6: "a\u0000b" is stored as "a"), so it would be acknowledged and then cut.
        // Attributes are stored as JSON text, where the NUL stays escaped and survives.
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            context.Fail(index, property.Name, "holds a NUL character (\\u0000), which this field cannot store (the text would be cut there); remove it, or send it in an attribute, where it is kept");
            return null;
        }

        return value;
    }

    public static double? Number(JsonProperty property, int index, DecodeContext context)
    {
        if (property.Value.ValueKind != JsonValueKind.Number)
        {
            context.Fail(index, property.Name, $"must be a number, not {Describe(property.Value.ValueKind)}");
            return null;
        }

        double value = property.Value.GetDouble();
        if (!double.IsFinite(value))
        {
            context.Fail(index, property.Name, "must be a finite number");
            return null;
        }

        return value;
    }

    /// <summary>A duration in milliseconds: ≥ 0 and at most <see cref="WireLimits.MaxDurationMs"/>.</summary>
    public static double? Duration(JsonProperty property, int index, DecodeContext context)
    {
        double? value = Number(property, index, context);
        if (value < 0)
        {
            context.Fail(index, property.Name, "must be ≥ 0");
            return null;
        }

        if (value > WireLimits.MaxDurationMs)
        {
            context.Fail(index, property.Name, string.Create(CultureInfo.InvariantCulture,
                $"is {value:G6} ms; a duration may be at most {WireLimits.MaxDurationMs:0} ms (10 years)"));
            return null;
        }

        return value;
    }

    /// <summary>Reads a time and checks it against the accepted window.</summary>
    public static DateTime? Time(JsonProperty property, int index, DecodeContext context)
    {
        if (!EventTimestamp.TryParse(property.Value, out var utc, out string reason))
        {
            context.Fail(index, property.Name, reason);
            return null;
        }

        if (utc < context.OldestAllowed)
        {
            context.Fail(index, property.Name, context.RetentionDays is { } days
                ? $"{utc:yyyy-MM-ddTHH:mm:ss.fffZ} is older than the accepted window (from {context.OldestAllowed:yyyy-MM-ddTHH:mm:ssZ}): older than the org's retention of {days} days, which keeps nothing before that (send a newer timestamp, or raise retention_days in the org settings)"
                : $"{utc:yyyy-MM-ddTHH:mm:ss.fffZ} is older than the accepted window (from {context.OldestAllowed:yyyy-MM-ddTHH:mm:ssZ})");
            return null;
        }

        if (utc > context.NewestAllowed)
        {
            context.Fail(index, property.Name, $"{utc:yyyy-MM-ddTHH:mm:ss.fffZ} is in the future beyond the allowed clock skew (until {context.NewestAllowed:yyyy-MM-ddTHH:mm:ssZ})");
            return null;
        }

        return utc;
    }

    /// <summary>A short id (trace, span, session): letters, digits, '-' and '_' only, lower-cased.</summary>
    public static string? Identifier(JsonProperty property, int index, DecodeContext context, int maxLength)
    {
        string? value = String(property, index, context, maxLength, allowEmpty: false);
        if (value is null)
        {
            return null;
        }

        foreach (char c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
            {
                context.Fail(index, property.Name, "may only contain letters, digits, '-' and '_'");
                return null;
            }
        }

        return value.ToLowerInvariant();
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "undefined",
    };
}
