using System.Globalization;
using System.Text.Json;
using BabySea.Appliance.Api;
using BabySea.Appliance.Generations;
using Npgsql;

namespace BabySea.Appliance.Storage.Postgres;

/// <summary>
/// Explicit mapping of a generation record to its row: scalar fields as columns, the nested parts (request, attempts,
/// outputs, provider errors) as JSON documents written and read by hand (no reflection, so AOT-clean).
/// </summary>
internal static class PgGenerationRows
{
    public const string Columns = "id, account_id, model, media_type, status, provider_order, request::text, cost, created_at, provider_used, prediction_id, "
        + "started_at, completed_at, predict_time, error_code, error, removed, attempts::text, outputs::text, provider_errors::text";

    private const string InsertColumns = "id, account_id, model, media_type, status, provider_order, request, cost, created_at, provider_used, prediction_id, "
        + "started_at, completed_at, predict_time, error_code, error, removed, attempts, outputs, provider_errors";

    private static readonly string[] InsertCasts = ["", "", "", "", "", "", "::jsonb", "", "", "", "", "", "", "", "", "", "", "::jsonb", "::jsonb", "::jsonb"];

    public static Task InsertAsync(PgTransaction tx, params IEnumerable<Generation> generations)
        => tx.InsertRowsAsync("generations", InsertColumns, InsertCasts, generations.Select(Values), chunk: 1000);

    /// <summary>Rewrites every field of the record; the lease columns are the caller's.</summary>
    public static Task UpdateAsync(PgTransaction tx, Generation g)
        => tx.Command("""
            UPDATE generations SET account_id = $2, model = $3, media_type = $4, status = $5, provider_order = $6, request = $7::jsonb, cost = $8,
                created_at = $9, provider_used = $10, prediction_id = $11, started_at = $12, completed_at = $13, predict_time = $14, error_code = $15,
                error = $16, removed = $17, attempts = $18::jsonb, outputs = $19::jsonb, provider_errors = $20::jsonb
            WHERE id = $1
            """, Values(g)).RunAsync();

    private static object?[] Values(Generation g) =>
    [
        g.Id, g.AccountId, g.ModelIdentifier, g.MediaType.Name(), g.Status.Name(), g.ProviderOrder.ToArray(), RequestJson(g.Request), g.Cost, g.CreatedAt,
        g.ProviderUsed, g.PredictionId, g.StartedAt, g.CompletedAt, g.PredictTimeSeconds, Code(g.ErrorCode), g.Error, g.Removed,
        Json(w => Array(w, g.Attempts, WriteAttempt)), Json(w => Array(w, g.Outputs, WriteArtifact)), Json(w => Array(w, g.ProviderErrors, WriteProviderError)),
    ];

    /// <summary>A row selected with <see cref="Columns"/> (at <paramref name="at"/> and on).</summary>
    public static Generation FromRow(NpgsqlDataReader r, int at = 0) => new()
    {
        Id = r.GetString(at),
        AccountId = r.GetString(at + 1),
        ModelIdentifier = r.GetString(at + 2),
        MediaType = MediaTypes.Parse(r.GetString(at + 3)) ?? MediaType.Image,
        Status = GenerationStatuses.Parse(r.GetString(at + 4)),
        ProviderOrder = r.Strings(at + 5),
        Request = RequestFrom(r.GetString(at + 6)),
        Cost = r.GetDecimal(at + 7),
        CreatedAt = r.Time(at + 8),
        ProviderUsed = r.OptString(at + 9),
        PredictionId = r.OptString(at + 10),
        StartedAt = r.OptTime(at + 11),
        CompletedAt = r.OptTime(at + 12),
        PredictTimeSeconds = r.IsDBNull(at + 13) ? null : r.GetDouble(at + 13),
        ErrorCode = Code(r.OptString(at + 14)),
        Error = r.OptString(at + 15),
        Removed = r.GetBoolean(at + 16),
        Attempts = Items(r.GetString(at + 17), AttemptFrom),
        Outputs = Items(r.GetString(at + 18), ArtifactFrom),
        ProviderErrors = Items(r.GetString(at + 19), ProviderErrorFrom),
    };

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Array<T>(Utf8JsonWriter w, IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
    {
        w.WriteStartArray();
        foreach (var item in items)
        {
            w.WriteStartObject();
            write(w, item);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static T[] Items<T>(string json, Func<JsonElement, T> read)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray().Select(read).ToArray();
    }

    private static string RequestJson(GenerationRequest r) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("prompt", r.Prompt);
        w.WriteString("ratio", r.Ratio);
        w.WriteString("output_format", r.OutputFormat);
        w.WriteNumber("output_number", r.OutputNumber);
        w.WriteStartArray("input_files");
        foreach (var f in r.InputFiles) w.WriteStringValue(f);
        w.WriteEndArray();
        w.WriteString("input_file_last", r.InputFileLast);
        if (r.Duration is { } d) w.WriteNumber("duration", d); else w.WriteNull("duration");
        w.WriteString("resolution", r.Resolution);
        if (r.GenerateAudio is { } a) w.WriteBoolean("generate_audio", a); else w.WriteNull("generate_audio");
        w.WriteString("provider_order", r.ProviderOrder);
        // Extras are opaque JSON the catalog allows; kept as one string so key order and number forms round-trip exactly
        // (jsonb would normalise them).
        w.WriteString("extras_json", Json(x =>
        {
            x.WriteStartObject();
            foreach (var (k, v) in r.Extras)
            {
                x.WritePropertyName(k);
                v.WriteTo(x);
            }
            x.WriteEndObject();
        }));
        w.WriteEndObject();
    });

    private static GenerationRequest RequestFrom(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var d = doc.RootElement;
        using var extras = JsonDocument.Parse(d.GetProperty("extras_json").GetString()!);
        return new GenerationRequest(
            d.GetProperty("prompt").GetString()!, d.GetProperty("ratio").GetString()!, d.GetProperty("output_format").GetString()!,
            d.GetProperty("output_number").GetInt32(), d.GetProperty("input_files").EnumerateArray().Select(f => f.GetString()!).ToArray(),
            OptString(d, "input_file_last"), d.GetProperty("duration").ValueKind == JsonValueKind.Null ? null : d.GetProperty("duration").GetDouble(),
            OptString(d, "resolution"), d.GetProperty("generate_audio").ValueKind == JsonValueKind.Null ? null : d.GetProperty("generate_audio").GetBoolean(),
            OptString(d, "provider_order"),
            extras.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal));
    }

    private static void WriteAttempt(Utf8JsonWriter w, Attempt a)
    {
        w.WriteNumber("number", a.Number);
        w.WriteString("provider", a.Provider);
        w.WriteString("provider_model", a.ProviderModel);
        w.WriteString("outcome", a.Outcome.ToString());
        w.WriteString("job_id", a.JobId);
        w.WriteString("poll_url", a.PollUrl);
        w.WriteString("cancel_url", a.CancelUrl);
        w.WriteString("error_code", Code(a.ErrorCode));
        w.WriteString("error", a.ErrorMessage);
        w.WriteString("submitted_at", Time(a.SubmittedAt));
        w.WriteString("finished_at", a.FinishedAt is { } f ? Time(f) : null);
        w.WriteBoolean("wasted", a.Wasted);
    }

    private static Attempt AttemptFrom(JsonElement d) => new(
        d.GetProperty("number").GetInt32(), d.GetProperty("provider").GetString()!, d.GetProperty("provider_model").GetString()!,
        Enum.Parse<AttemptOutcome>(d.GetProperty("outcome").GetString()!), OptString(d, "job_id"), OptString(d, "poll_url"), OptString(d, "cancel_url"),
        Code(OptString(d, "error_code")), OptString(d, "error"), Time(d.GetProperty("submitted_at").GetString()!),
        OptString(d, "finished_at") is { } f ? Time(f) : null, d.GetProperty("wasted").GetBoolean());

    private static void WriteArtifact(Utf8JsonWriter w, Artifact a)
    {
        w.WriteNumber("index", a.Index);
        w.WriteString("path", a.RelativePath);
        w.WriteString("sha256", a.Sha256);
        w.WriteNumber("size", a.Size);
        w.WriteString("content_type", a.ContentType);
        w.WriteString("extension", a.Extension);
    }

    private static Artifact ArtifactFrom(JsonElement d) => new(
        d.GetProperty("index").GetInt32(), d.GetProperty("path").GetString()!, d.GetProperty("sha256").GetString()!, d.GetProperty("size").GetInt64(),
        d.GetProperty("content_type").GetString()!, d.GetProperty("extension").GetString()!);

    private static void WriteProviderError(Utf8JsonWriter w, ProviderError e)
    {
        w.WriteString("provider", e.Provider);
        w.WriteString("code", Code(e.Code));
        w.WriteString("message", e.Message);
        w.WriteBoolean("retryable", e.Retryable);
    }

    private static ProviderError ProviderErrorFrom(JsonElement d)
        => new(d.GetProperty("provider").GetString()!, Code(d.GetProperty("code").GetString())!.Value, d.GetProperty("message").GetString()!,
            d.GetProperty("retryable").GetBoolean());

    private static string? OptString(JsonElement d, string name) => d.GetProperty(name).ValueKind == JsonValueKind.Null ? null : d.GetProperty(name).GetString();

    // Round-trip ("o") form: the exact instant, as the attempt recorded it.
    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    // Codes are stored as their wire form ("BSE4003"), as the embedded engine stores them; an unknown one is a corrupt record.
    private static string? Code(BseCode? code) => code is { } c ? BseCatalog.Format(c) : null;

    private static BseCode? Code(string? text)
        => text is null ? null : BseCatalog.TryParse(text, out var c) ? c : throw new FormatException($"Unknown error code '{text}' in a stored generation.");
}
