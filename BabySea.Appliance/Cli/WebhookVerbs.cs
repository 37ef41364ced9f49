using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BabySea.Appliance.Accounts;
using BabySea.Appliance.Api;
using BabySea.Appliance.Outbound;
using BabySea.Appliance.Webhooks;
using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Cli;

/// <summary>
/// The <c>webhooks</c> verbs: the operations of <c>/admin/v1/accounts/{id}/webhooks</c> on the data folder. What they
/// stage (test, replay, events released on enable) is sent by the appliance the next time it serves the folder.
/// </summary>
internal static class WebhookVerbs
{
    public static async Task<int> RunAsync(string verb, Dictionary<string, string> options, IConfiguration config, IServiceProvider storage,
        TextWriter stdout)
    {
        var time = TimeProvider.System;
        var webhookOptions = Options.Create(WebhookOptions.From(config));
        var admin = new WebhookAdmin(storage.GetRequiredService<IWebhookStore>(), storage.GetRequiredService<IAccountStore>(),
            new OutboundPolicy(OutboundSettings.AllowedPrivateHosts(config), new DnsHostResolver()), webhookOptions, storage.GetRequiredService<OutboxSignal>(), time);
        var account = CommandLine.Opt(options, "account") ?? "";
        var webhook = CommandLine.Opt(options, "webhook") ?? "";
        var ctx = AppJsonContext.Default;
        var ct = CancellationToken.None;
        switch (verb)
        {
            case "create":
                bool? enabled = CommandLine.Opt(options, "disabled") is "true" ? false : null;
                var body = new AdminCreateWebhookBody(CommandLine.Opt(options, "url"), CommandLine.List(options, "events"), enabled);
                return Print(stdout, await admin.CreateAsync(account, body, ct), ctx.AdminWebhookSecretData);
            case "list":
                return Print(stdout, await admin.ListAsync(account, ct), ctx.AdminWebhooksData);
            case "enable":
                return Print(stdout, await admin.EnableAsync(account, webhook, ct), ctx.AdminWebhookData);
            case "disable":
                return Print(stdout, await admin.DisableAsync(account, webhook, ct), ctx.AdminWebhookData);
            case "rotate":
                return Print(stdout, await admin.RotateAsync(account, webhook, ct), ctx.AdminWebhookSecretData);
            case "test":
                return Print(stdout, await admin.TestAsync(account, webhook, ct), ctx.AdminWebhookDeliveryData);
            case "delete":
                return Print(stdout, await admin.DeleteAsync(account, webhook, ct), ctx.AdminWebhookDeletedData);
            case "deliveries":
                if (!QueryInt.TryRead(CommandLine.Opt(options, "limit"), "limit", 20, 1, 100, out var limit, out var error)
                    || !QueryInt.TryRead(CommandLine.Opt(options, "offset"), "offset", 0, 0, int.MaxValue, out var offset, out error))
                    return Print<AdminWebhookDeliveriesData>(stdout, (null, error), ctx.AdminWebhookDeliveriesData);
                var (data, _, failure) = await admin.DeliveriesAsync(account, webhook, limit, offset, ct);
                return Print(stdout, (data, failure), ctx.AdminWebhookDeliveriesData);
            case "replay":
                return Print(stdout, await admin.ReplayAsync(account, webhook, CommandLine.Opt(options, "delivery") ?? "", ct),
                    ctx.AdminWebhookDeliveryData);
            default:
                throw new UnreachableException($"The verb 'webhooks {verb}' has no body.");
        }
    }

    /// <summary>
    /// Prints like the other verbs, with relaxed escaping: a secret's '+' shows as '+' rather than \u002B, so it can be
    /// copied from the terminal.
    /// </summary>
    private static int Print<T>(TextWriter stdout, (T? Data, ApiError? Error) result, JsonTypeInfo<T> info) where T : class
    {
        if (result.Error is not null) return CommandLine.Print(stdout, result, info);
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            JsonSerializer.Serialize(w, result.Data!, info);
        stdout.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
        return ExitCodes.Ok;
    }
}
