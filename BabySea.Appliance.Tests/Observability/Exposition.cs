using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace BabySea.Appliance.Tests.Observability;

/// <summary>
/// A strict reader of the Prometheus text format 0.0.4, written from the format's description rather than from the
/// exporter: every line is a HELP, a TYPE or a sample of the family announced last; label values use only the three
/// escapes; every histogram series has cumulative buckets ending in +Inf equal to its _count, and a _sum.
/// </summary>
internal sealed partial class Exposition
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public sealed record Family(string Name, string Type, string Help, List<Sample> Samples);

    public Dictionary<string, Family> Families { get; } = new(StringComparer.Ordinal);

    public static Exposition Parse(string text)
    {
        Assert.EndsWith("\n", text);
        var result = new Exposition();
        Family? current = null;
        string? help = null;
        var lineNumber = 0;
        foreach (var line in text[..^1].Split('\n'))
        {
            lineNumber++;
            var where = $"line {lineNumber}: {line}";
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line["# HELP ".Length..];
                var space = rest.IndexOf(' ');
                Assert.True(space > 0, where);
                Assert.Matches(MetricName(), rest[..space]);
                Assert.DoesNotMatch(@"\\[^\\n]", rest[(space + 1)..].Replace("\\\\", ""));
                help = rest[..space];
                current = null;
                continue;
            }
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line["# TYPE ".Length..].Split(' ');
                Assert.Equal(2, parts.Length);
                Assert.Equal(help, parts[0]);
                Assert.Contains(parts[1], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                Assert.False(result.Families.ContainsKey(parts[0]), $"family {parts[0]} appears twice");
                current = new Family(parts[0], parts[1], help!, []);
                result.Families[parts[0]] = current;
                continue;
            }
            Assert.False(line.StartsWith('#'), where);
            Assert.True(current is not null, $"a sample before its TYPE line: {where}");
            var sample = ReadSample(line, where);
            var allowed = current.Type == "histogram"
                ? new[] { current.Name + "_bucket", current.Name + "_sum", current.Name + "_count" }
                : new[] { current.Name };
            Assert.Contains(sample.Name, allowed);
            current.Samples.Add(sample);
        }
        foreach (var family in result.Families.Values.Where(f => f.Type == "histogram")) CheckHistogram(family);
        foreach (var family in result.Families.Values.Where(f => f.Type == "counter"))
        {
            Assert.EndsWith("_total", family.Name);
            Assert.All(family.Samples, s => Assert.True(s.Value >= 0, $"{family.Name} is negative"));
        }
        return result;
    }

    /// <summary>The value of the series of <paramref name="name"/> whose labels include <paramref name="labels"/> (summed over the rest); 0 when none.</summary>
    public double Value(string name, params (string Key, string Value)[] labels)
        => Families.Values.SelectMany(f => f.Samples)
            .Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
            .Sum(s => s.Value);

    private static Sample ReadSample(string line, string where)
    {
        var match = MetricName().Match(line);
        Assert.True(match.Success && match.Index == 0, where);
        var name = match.Value;
        var i = name.Length;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var label = LabelName().Match(line, i);
                Assert.True(label.Success && label.Index == i, where);
                i += label.Length;
                Assert.True(line[i] == '=' && line[i + 1] == '"', where);
                i += 2;
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        value.Append(line[i + 1] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new Xunit.Sdk.XunitException($"bad escape in {where}"),
                        });
                        i += 2;
                    }
                    else value.Append(line[i++]);
                }
                i++;
                Assert.True(labels.TryAdd(label.Value, value.ToString()), $"label {label.Value} twice: {where}");
                if (line[i] == ',') i++;
                else Assert.True(line[i] == '}', where);
            }
            i++;
        }
        Assert.True(line[i] == ' ', where);
        return new Sample(name, labels, ParseValue(line[(i + 1)..], where));
    }

    private static double ParseValue(string text, string where) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new Xunit.Sdk.XunitException($"bad value in {where}"),
    };

    private static void CheckHistogram(Family family)
    {
        string Key(Sample s) => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
        foreach (var series in family.Samples.GroupBy(Key))
        {
            var buckets = series.Where(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal)).ToArray();
            Assert.NotEmpty(buckets);
            var bounds = buckets.Select(b => ParseValue(b.Labels["le"], family.Name)).ToArray();
            Assert.Equal(double.PositiveInfinity, bounds[^1]);
            for (var i = 1; i < buckets.Length; i++)
            {
                Assert.True(bounds[i] > bounds[i - 1], $"{family.Name} buckets out of order");
                Assert.True(buckets[i].Value >= buckets[i - 1].Value, $"{family.Name} buckets not cumulative");
            }
            var count = Assert.Single(series, s => s.Name == family.Name + "_count");
            Assert.Single(series, s => s.Name == family.Name + "_sum");
            Assert.Equal(count.Value, buckets[^1].Value);
        }
    }

    [GeneratedRegex("[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex MetricName();

    [GeneratedRegex("[a-zA-Z_][a-zA-Z0-9_]*")]
    private static partial Regex LabelName();
}
