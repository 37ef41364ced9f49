using System.Text.Json.Nodes;
using BabySea.Appliance.Api;
using BabySea.Appliance.Generations;

namespace BabySea.Appliance.Webhooks;

/// <summary>
/// The events of reference §7.1 and their <c>webhook_data</c>; fields without a value are omitted, never null.
/// Output links are not stored here: they are signed afresh when a delivery is sent, so a late retry still
/// carries working links.
/// </summary>
public static class WebhookEvents
{
    public const string Started = "generation.started";
    public const string Completed = "generation.completed";
    public const string Failed = "generation.failed";
    public const string Canceled = "generation.canceled";
    public const string LowBalance = "credits.low_balance";
    public const string Test = "webhook.test";

    public static readonly IReadOnlyList<string> Subscribable = [Started, Completed, Failed, Canceled, LowBalance];
    public static readonly IReadOnlyList<string> DefaultSubscription = [Started, Completed, Failed, Canceled];

    /// <summary>The webhook event of a lifecycle event, carrying the generation as it is after the change.</summary>
    public static WebhookEvent For(GenerationEvent e, Generation g) => e switch
    {
        GenerationEvent.Started => new(Started, g.AccountId, Base(g)
            .With("generation_provider_initialize", g.ProviderOrder.FirstOrDefault())
            .With("generation_prediction_id", g.PredictionId)),
        GenerationEvent.Completed => new(Completed, g.AccountId, Base(g)
            .With("generation_provider_used", g.ProviderUsed)
            .With("generation_prediction_id", g.PredictionId)),
        GenerationEvent.Failed => new(Failed, g.AccountId, Base(g)
            .With("generation_error", g.Error)
            .With("generation_error_code", g.ErrorCode is { } code ? BseCatalog.Format(code) : null)
            .With("generation_error_retryable", g.ErrorRetryable ?? false)
            .WithProviderErrors(g.ProviderErrors)),
        GenerationEvent.Canceled => new(Canceled, g.AccountId, Base(g)
            .With("generation_prediction_id", g.PredictionId)
            .With("credits_refunded", g.Cost > 0)),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e, null),
    };

    public static WebhookEvent LowBalanceCrossed(string accountId, decimal balance, IReadOnlyList<decimal> thresholds)
        => new(LowBalance, accountId, new JsonObject
        {
            ["account_id"] = accountId,
            ["current_balance"] = balance,
            ["thresholds_crossed"] = new JsonArray(thresholds.Select(t => (JsonNode)new JsonObject
            {
                ["threshold"] = t,
                ["balance_at"] = balance,
            }).ToArray()),
        });

    /// <summary>The generation id of <c>webhook.test</c> (reference §7.1).</summary>
    public const string TestGenerationId = "00000000-0000-0000-0000-000000000000";

    /// <summary>
    /// <c>webhook.test</c>: shaped like a generation event (the SDK types it so), with the fixed zero generation id.
    /// </summary>
    public static WebhookEvent TestEvent(string accountId) => new(Test, accountId, new JsonObject
    {
        ["account_id"] = accountId,
        ["model_identifier"] = "babysea/webhook-test",
        ["generation_id"] = TestGenerationId,
        ["generation_status"] = "succeeded",
    });

    private static JsonObject Base(Generation g) => new()
    {
        ["account_id"] = g.AccountId,
        ["model_identifier"] = g.ModelIdentifier,
        ["generation_id"] = g.Id,
        ["generation_status"] = g.Status.Name(),
    };

    private static JsonObject With(this JsonObject o, string key, string? value)
    {
        if (value is not null) o[key] = value;
        return o;
    }

    private static JsonObject WithProviderErrors(this JsonObject o, IReadOnlyList<ProviderError> errors)
    {
        if (errors.Count > 0)
            o["provider_errors"] = new JsonArray(errors.Select(e => (JsonNode)new JsonObject
            {
                ["provider"] = e.Provider,
                ["code"] = BseCatalog.Format(e.Code),
                ["type"] = BseCatalog.For(e.Code).Type,
                ["message"] = e.Message,
                ["retryable"] = e.Retryable,
            }).ToArray());
        return o;
    }

    private static JsonObject With(this JsonObject o, string key, bool value)
    {
        o[key] = value;
        return o;
    }
}
