using System.Text.Json;
using BabySea.Appliance.Api;
using BabySea.Appliance.Generations;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>Explicit mapping of a generation record to and from its BsonDocument.</summary>
internal static class GenerationDocuments
{
    public static BsonDocument ToDocument(Generation g) => new()
    {
        ["_id"] = g.Id,
        // Ids are UUIDv7: account|id orders an account's generations by creation time.
        ["ak"] = g.AccountId + "|" + g.Id,
        ["account_id"] = g.AccountId,
        ["slot"] = Slot(g.AccountId, g.MediaType, g.Status.IsTerminal() ? "done" : "active"),
        ["model"] = g.ModelIdentifier,
        ["media_type"] = g.MediaType.Name(),
        ["status"] = g.Status.Name(),
        ["provider_order"] = Bson.Strings(g.ProviderOrder),
        ["request"] = RequestToDocument(g.Request),
        ["cost"] = g.Cost,
        ["created_at"] = Bson.Time(g.CreatedAt),
        ["provider_used"] = Bson.Str(g.ProviderUsed),
        ["prediction_id"] = Bson.Str(g.PredictionId),
        ["started_at"] = Bson.Time(g.StartedAt),
        ["completed_at"] = Bson.Time(g.CompletedAt),
        ["predict_time"] = g.PredictTimeSeconds is { } pt ? new BsonValue(pt) : BsonValue.Null,
        ["error_code"] = Code(g.ErrorCode),
        ["error"] = Bson.Str(g.Error),
        ["removed"] = g.Removed,
        ["attempts"] = new BsonArray(g.Attempts.Select(AttemptToDocument)),
        ["outputs"] = new BsonArray(g.Outputs.Select(ArtifactToDocument)),
        ["provider_errors"] = new BsonArray(g.ProviderErrors.Select(ProviderErrorToDocument)),
    };

    public static string Slot(string accountId, MediaType type, string phase) => $"{accountId}:{type.Name()}:{phase}";

    public static Generation FromDocument(BsonDocument d) => new()
    {
        Id = d["_id"].AsString,
        AccountId = d["account_id"].AsString,
        ModelIdentifier = d["model"].AsString,
        MediaType = MediaTypes.Parse(d["media_type"].AsString) ?? MediaType.Image,
        Status = GenerationStatuses.Parse(d["status"].AsString),
        ProviderOrder = d.StringArray("provider_order"),
        Request = RequestFromDocument(d["request"].AsDocument),
        Cost = d["cost"].AsDecimal,
        CreatedAt = d.Time("created_at"),
        ProviderUsed = d.OptString("provider_used"),
        PredictionId = d.OptString("prediction_id"),
        StartedAt = d.OptTime("started_at"),
        CompletedAt = d.OptTime("completed_at"),
        PredictTimeSeconds = d["predict_time"].IsNull ? null : d["predict_time"].AsDouble,
        ErrorCode = Code(d.OptString("error_code")),
        Error = d.OptString("error"),
        Removed = d["removed"].AsBoolean,
        Attempts = d["attempts"].AsArray.Select(a => AttemptFromDocument(a.AsDocument)).ToArray(),
        Outputs = d["outputs"].AsArray.Select(a => ArtifactFromDocument(a.AsDocument)).ToArray(),
        // Records written before provider errors were kept have none.
        ProviderErrors = d["provider_errors"].IsArray ? d["provider_errors"].AsArray.Select(e => ProviderErrorFromDocument(e.AsDocument)).ToArray() : [],
    };

    private static BsonDocument RequestToDocument(GenerationRequest r)
    {
        using var extras = new MemoryStream();
        using (var w = new Utf8JsonWriter(extras))
        {
            w.WriteStartObject();
            foreach (var (k, v) in r.Extras) { w.WritePropertyName(k); v.WriteTo(w); }
            w.WriteEndObject();
        }
        return new BsonDocument
        {
            ["prompt"] = r.Prompt,
            ["ratio"] = r.Ratio,
            ["output_format"] = r.OutputFormat,
            ["output_number"] = r.OutputNumber,
            ["input_files"] = Bson.Strings(r.InputFiles),
            ["input_file_last"] = Bson.Str(r.InputFileLast),
            ["duration"] = r.Duration is { } du ? new BsonValue(du) : BsonValue.Null,
            ["resolution"] = Bson.Str(r.Resolution),
            ["generate_audio"] = r.GenerateAudio is { } a ? new BsonValue(a) : BsonValue.Null,
            ["provider_order"] = Bson.Str(r.ProviderOrder),
            // Extras are opaque JSON the catalog allows; kept as text so any shape round-trips exactly.
            ["extras_json"] = System.Text.Encoding.UTF8.GetString(extras.ToArray()),
        };
    }

    private static GenerationRequest RequestFromDocument(BsonDocument d)
    {
        using var extras = JsonDocument.Parse(d["extras_json"].AsString);
        return new GenerationRequest(
            d["prompt"].AsString, d["ratio"].AsString, d["output_format"].AsString, d["output_number"].AsInt32,
            d.StringArray("input_files"), d.OptString("input_file_last"),
            d["duration"].IsNull ? null : d["duration"].AsDouble, d.OptString("resolution"),
            d["generate_audio"].IsNull ? null : d["generate_audio"].AsBoolean, d.OptString("provider_order"),
            extras.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal));
    }

    private static BsonDocument AttemptToDocument(Attempt a) => new()
    {
        ["number"] = a.Number,
        ["provider"] = a.Provider,
        ["provider_model"] = a.ProviderModel,
        ["outcome"] = a.Outcome.ToString(),
        ["job_id"] = Bson.Str(a.JobId),
        ["poll_url"] = Bson.Str(a.PollUrl),
        ["cancel_url"] = Bson.Str(a.CancelUrl),
        ["error_code"] = Code(a.ErrorCode),
        ["error"] = Bson.Str(a.ErrorMessage),
        ["submitted_at"] = Bson.Time(a.SubmittedAt),
        ["finished_at"] = Bson.Time(a.FinishedAt),
        ["wasted"] = a.Wasted,
    };

    private static Attempt AttemptFromDocument(BsonDocument d) => new(
        d["number"].AsInt32, d["provider"].AsString, d["provider_model"].AsString, Enum.Parse<AttemptOutcome>(d["outcome"].AsString),
        d.OptString("job_id"), d.OptString("poll_url"), d.OptString("cancel_url"), Code(d.OptString("error_code")), d.OptString("error"),
        d.Time("submitted_at"), d.OptTime("finished_at"), d["wasted"].AsBoolean);

    private static BsonDocument ProviderErrorToDocument(ProviderError e) => new()
    {
        ["provider"] = e.Provider,
        ["code"] = Code(e.Code),
        ["message"] = e.Message,
        ["retryable"] = e.Retryable,
    };

    private static ProviderError ProviderErrorFromDocument(BsonDocument d)
        => new(d["provider"].AsString, Code(d["code"].AsString)!.Value, d["message"].AsString, d["retryable"].AsBoolean);

    private static BsonDocument ArtifactToDocument(Artifact a) => new()
    {
        ["index"] = a.Index,
        ["path"] = a.RelativePath,
        ["sha256"] = a.Sha256,
        ["size"] = a.Size,
        ["content_type"] = a.ContentType,
        ["extension"] = a.Extension,
    };

    private static Artifact ArtifactFromDocument(BsonDocument d) => new(
        d["index"].AsInt32, d["path"].AsString, d["sha256"].AsString, d["size"].AsInt64, d["content_type"].AsString, d["extension"].AsString);

    // Codes are stored as their wire form ("BSE4003"), so the file reads the same as the API; an unknown one is a
    // corrupt record, not a code to guess.
    private static BsonValue Code(BseCode? code) => code is { } c ? BseCatalog.Format(c) : BsonValue.Null;

    private static BseCode? Code(string? text)
        => text is null ? null : BseCatalog.TryParse(text, out var c) ? c : throw new FormatException($"Unknown error code '{text}' in a stored generation.");
}
