using System.Globalization;
using System.Text;

namespace BabySea.Appliance.Observability;

/// <summary>The spelling rules of the Prometheus text format 0.0.4: names, units, label sets, escaping, numbers.</summary>
internal static class PrometheusText
{
    /// <summary>
    /// <c>babysea.provider.attempt.duration</c> with unit <c>s</c> becomes <c>babysea_provider_attempt_duration_seconds</c>;
    /// a counter ends in <c>_total</c>. Units in braces (<c>{request}</c>) are annotations and add nothing.
    /// </summary>
    public static string MetricName(string instrument, string? unit, bool counter)
    {
        var name = Sanitize(instrument, allowColon: true);
        var suffix = unit switch
        {
            "s" => "seconds",
            "ms" => "milliseconds",
            "By" => "bytes",
            _ => null,
        };
        if (suffix is not null && !name.EndsWith("_" + suffix, StringComparison.Ordinal)) name += "_" + suffix;
        if (counter && !name.EndsWith("_total", StringComparison.Ordinal)) name += "_total";
        return name;
    }

    /// <summary>
    /// A label set as written between the braces, sorted by label name so that one set is always one series, e.g.
    /// <c>provider="fal",route="/v1/x"</c>. Empty for no labels.
    /// </summary>
    public static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0) return "";
        var sorted = tags.ToArray();
        Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var text = new StringBuilder();
        foreach (var (key, value) in sorted)
        {
            if (text.Length > 0) text.Append(',');
            text.Append(Sanitize(key, allowColon: false)).Append("=\"").Append(EscapeLabel(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")).Append('"');
        }
        return text.ToString();
    }

    /// <summary>A label set with one more label (a histogram bucket's <c>le</c>) at its end.</summary>
    public static string With(string labels, string key, string value)
        => labels.Length == 0 ? $"{key}=\"{value}\"" : $"{labels},{key}=\"{value}\"";

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    public static string EscapeLabel(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    public static string EscapeHelp(string value) => value.Replace("\\", "\\\\").Replace("\n", "\\n");

    // Metric names are [a-zA-Z_:][a-zA-Z0-9_:]*, label names the same without ':'.
    private static string Sanitize(string name, bool allowColon)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            var ok = char.IsAsciiLetter(c) || c == '_' || (allowColon && c == ':') || (i > 0 && char.IsAsciiDigit(c));
            if (!ok) chars[i] = '_';
        }
        return new string(chars);
    }
}
