using BabySea.Appliance.Generations;

namespace BabySea.Appliance.Api.V1;

/// <summary>A generation record as the hosted API shows it (reference §3.4), with freshly signed output URLs.</summary>
public static class GenerationView
{
    public static GenerationData From(HttpContext http, Generation g, OutputUrls urls)
    {
        var r = g.Request;
        return new GenerationData
        {
            AccountId = g.AccountId,
            GenerationId = g.Id,
            ModelIdentifier = g.ModelIdentifier,
            GenerationProviderOrder = g.ProviderOrder,
            GenerationProviderUsed = g.ProviderUsed,
            GenerationPredictionId = g.PredictionId,
            GenerationStatus = g.Status.Name(),
            GenerationPrompt = r.Prompt,
            GenerationRatio = r.Ratio,
            GenerationOutputFormat = r.OutputFormat,
            GenerationOutputNumber = r.OutputNumber,
            GenerationInputFile = r.InputFiles.Count > 0 ? r.InputFiles : null,
            GenerationInputFileLastContent = r.InputFileLast,
            GenerationOutputFile = g.Status == GenerationStatus.Succeeded && !g.Removed ? g.Outputs.Select(a => urls.For(http, g, a)).ToArray() : null,
            GenerationCreatedAt = Timestamps.Format(g.CreatedAt),
            GenerationStartedAt = Timestamps.Format(g.StartedAt),
            GenerationCompletedAt = Timestamps.Format(g.CompletedAt),
            GenerationMetricsTotalTime = g.CompletedAt is { } done ? Math.Round((done - g.CreatedAt).TotalSeconds, 3) : null,
            GenerationMetricsPredictTime = g.PredictTimeSeconds is { } p ? Math.Round(p, 3) : null,
            GenerationDuration = r.Duration,
            GenerationResolution = r.Resolution,
            GenerationGenerateAudio = r.GenerateAudio,
            GenerationAudioMode = r.GenerateAudio is { } audio ? (audio ? "audio" : "noaudio") : null,
            GenerationError = g.Error,
            GenerationErrorCode = g.ErrorCode is { } code ? BseCatalog.Format(code) : null,
            GenerationErrorRetryable = g.ErrorRetryable,
            ProviderErrors = g.ProviderErrors.Count > 0 ? g.ProviderErrors.Select(ProviderErrorData.From).ToArray() : null,
            GenerationRemoved = g.Removed ? true : null,
            GenerationCost = g.Cost,
            GenerationAttempts = g.Attempts.Select(a => new AttemptData(a.Number, a.Provider, a.ProviderModel, a.Outcome.ToString().ToLowerInvariant(),
                a.JobId, a.ErrorCode is { } c ? BseCatalog.Format(c) : null, a.ErrorMessage, Timestamps.Format(a.SubmittedAt), Timestamps.Format(a.FinishedAt), a.Wasted)).ToArray(),
            Extras = r.Extras.Count > 0 ? r.Extras.ToDictionary(e => e.Key, e => e.Value) : null,
        };
    }
}
