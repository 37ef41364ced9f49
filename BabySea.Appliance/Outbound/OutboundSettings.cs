namespace BabySea.Appliance.Outbound;

/// <summary>Registers the outbound policy: one instance for webhooks, provider calls and every URL they fetch.</summary>
public static class OutboundSettings
{
    /// <summary>
    /// Host names and addresses allowed although internal: <c>Outbound:AllowedPrivateHosts</c>, plus
    /// <c>Webhooks:AllowedPrivateHosts</c>, which said the same for webhooks before every outbound call shared the rule.
    /// </summary>
    public static IReadOnlyList<string> AllowedPrivateHosts(IConfiguration config)
        => [.. config.GetSection("Outbound:AllowedPrivateHosts").GetChildren().Concat(config.GetSection("Webhooks:AllowedPrivateHosts").GetChildren())
            .Select(c => c.Value).OfType<string>()];

    public static IServiceCollection AddOutbound(this IServiceCollection services, IConfiguration config)
    {
        var allowed = AllowedPrivateHosts(config);
        services.AddSingleton<IHostResolver, DnsHostResolver>();
        services.AddSingleton(sp => new OutboundPolicy(allowed, sp.GetRequiredService<IHostResolver>()));
        return services;
    }
}
