using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Webhooks;

/// <summary>Registers the webhook part: options, target policy, signing and sending, dispatcher and retrier.</summary>
public static class WebhookServiceCollectionExtensions
{
    /// <summary>Adds webhooks; the composition root registers the <see cref="IWebhookStore"/> beside the other stores, and the outbound policy.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration config)
    {
        var options = WebhookOptions.From(config);
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(new RetrySchedule(options));
        services.AddSingleton<WebhookPayloads>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookMetrics>();
        services.AddSingleton<DeliveryRunner>();
        services.AddSingleton<WebhookAdmin>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddSingleton<WebhookRetrier>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookRetrier>());
        return services;
    }
}
