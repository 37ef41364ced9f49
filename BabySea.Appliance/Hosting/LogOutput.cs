using System.Globalization;
using Serilog;
using Serilog.Configuration;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace BabySea.Appliance.Hosting;

/// <summary>
/// <c>Logging:Format</c>: <c>text</c> (readable lines, the default) or <c>json</c> (one compact JSON object per line,
/// Serilog's CLEF: <c>@t</c>, <c>@mt</c>, <c>@l</c> when not Information, <c>@x</c>, then each property by name), for the
/// console and the log file alike, so a log shipper reads the same shape from either.
/// </summary>
public static class LogOutput
{
    // Serilog's own file template, kept so the text file reads as it always has.
    private const string FileTemplate = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {Message:lj}{NewLine}{Exception}";

    public static bool IsJson(IConfiguration config) => config["Logging:Format"]?.ToLowerInvariant() switch
    {
        null or "" or "text" => false,
        "json" => true,
        var other => throw new InvalidOperationException($"Logging:Format '{other}' must be text or json."),
    };

    /// <summary>The console keeps the sink's own colored layout in text mode.</summary>
    public static LoggerConfiguration Console(this LoggerSinkConfiguration to, bool json)
        => json ? to.Console(new CompactJsonFormatter()) : to.Console(formatProvider: CultureInfo.InvariantCulture);

    public static ITextFormatter FileFormatter(bool json)
        => json ? new CompactJsonFormatter() : new MessageTemplateTextFormatter(FileTemplate, CultureInfo.InvariantCulture);
}
