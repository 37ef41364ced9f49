using BabySea.Appliance.Hosting;
using BabySea.Appliance.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace BabySea.Appliance.Tests.Hosting;

/// <summary>A mistyped or out-of-range setting stops start-up with a message naming it, before anything is opened.</summary>
public sealed class SettingsValidationTests
{
    [Theory]
    [InlineData("Routing:SubmitTimeot=00:00:10", "SubmitTimeot")]
    [InlineData("Routing:ExplorationRate=1.5", "Routing:ExplorationRate")]
    [InlineData("Routing:CircuitBreakDuration=00:00:00.100", "Routing:CircuitBreakDuration")]
    [InlineData("Routing:MinPollInterval=00:00:05", "Routing:MinPollInterval")]
    [InlineData("Routing:Providers:fal:SubmitTimeout=-00:00:01", "Routing:Providers:fal:SubmitTimeout")]
    [InlineData("Generations:QueueCapacity=0", "Generations:QueueCapacity")]
    [InlineData("Generations:MaxConcurent=5", "MaxConcurent")]
    [InlineData("Emulator:ImageLongEdge=8", "Emulator:ImageLongEdge")]
    [InlineData("Emulator:Faults:fal:rate_limt=0.1", "rate_limt")]
    [InlineData("Emulator:Faults:all:server_error=2", "Emulator:Faults:all:server_error")]
    [InlineData("Appliance:DataDri=/tmp/elsewhere", "Appliance:DataDri is not a setting; Appliance takes DataDir,")]
    [InlineData("Appliance:OutputUrlLifetime=-00:00:01", "Appliance:OutputUrlLifetime (-00:00:01) must be above 0")]
    [InlineData("Appliance:PublicBaseUrl=media.example.com", "Appliance:PublicBaseUrl 'media.example.com' is not an absolute http or https URL")]
    [InlineData("Storage:Durabilty=false", "Storage:Durabilty is not a setting; Storage takes Engine, ConnectionString, ArtifactsPath, Durability")]
    [InlineData("Storage:Engine=oracle", "Storage:Engine 'oracle' must be litedb or postgres")]
    [InlineData("Storage:Engine=postgres", "Storage:ConnectionString is required when Storage:Engine is postgres")]
    [InlineData("Storage:ConnectionString=Host=db;Password=hunter22", "Storage:ConnectionString is only read when Storage:Engine is postgres")]
    [InlineData("Storage:Durability=sometimes", "'sometimes' at 'Storage:Durability'")]
    [InlineData("Billing:RenewalSchedul=0 * * * *", "Billing:RenewalSchedul is not a setting; Billing takes PlansFile, RenewalSchedule")]
    [InlineData("Billing:RenewalSchedule=hourly", "Billing:RenewalSchedule 'hourly' is not a valid cron expression")]
    [InlineData("RateLimits:AuthFailuresPerMinit=5", "RateLimits:AuthFailuresPerMinit is not a setting; RateLimits takes AuthFailuresPerMinute")]
    [InlineData("RateLimits:AuthFailuresPerMinute=0", "RateLimits:AuthFailuresPerMinute (0) must be between 1 and 100000")]
    [InlineData("RateLimits:AuthFailureClients=-1", "RateLimits:AuthFailureClients (-1) must be between 1 and 10000000")]
    [InlineData("Idempotency:Schedule=0 * * * *", "Idempotency:Schedule is not a setting; Idempotency takes SweepSchedule")]
    [InlineData("Idempotency:SweepSchedule=61 * * * *", "Idempotency:SweepSchedule '61 * * * *' is not a valid cron expression")]
    [InlineData("Retention:BatchSise=10", "Retention:BatchSise is not a setting; Retention takes SweepSchedule, BatchSize")]
    [InlineData("Retention:BatchSize=0", "Retention:BatchSize (0) must be between 1 and 100000")]
    [InlineData("Retention:SweepSchedule=* *", "Retention:SweepSchedule '* *' is not a valid cron expression")]
    [InlineData("Logging:LogLevel:Default=Debug", "Logging:LogLevel is not a setting; Logging takes Level, Format")]
    [InlineData("Logging:Level=Chatty", "Logging:Level 'Chatty' must be one of Verbose, Debug, Information, Warning, Error, Fatal")]
    [InlineData("Logging:Format=xml", "Logging:Format 'xml' must be text or json")]
    [InlineData("Outbound:AllowedPrivateHost:0=10.0.0.7", "Outbound:AllowedPrivateHost is not a setting; Outbound takes AllowedPrivateHosts")]
    [InlineData("Outbound:AllowedPrivateHosts:0=http://10.0.0.7/", "Outbound:AllowedPrivateHosts:0 'http://10.0.0.7/' is not a host name or address")]
    [InlineData("Providers:fal:ApiKye=fal_key", "Providers:fal:ApiKye is not a setting; Providers:fal takes ApiKey, BaseUrl, Enabled, AccountId")]
    [InlineData("Providers:fall:ApiKey=fal_key", "Providers:fall is not a setting; Providers takes EmulateMissingKeys and a provider id (replicate, runway,")]
    [InlineData("Providers:fal:BaseUrl=fal.internal:9000", "Providers:fal:BaseUrl 'fal.internal:9000' is not an absolute http or https URL")]
    [InlineData("Providers:fal:Enabled=maybe", "'maybe' at 'Providers:fal:Enabled'")]
    [InlineData("Providers:fal:AccountId=acct", "Providers:fal:AccountId is not a setting of fal")]
    [InlineData("Providers:EmulateMissingKeys=perhaps", "Providers:EmulateMissingKeys 'perhaps' must be true or false")]
    public void MistypedOrOutOfRange_StopsStart_NamingTheSetting(string setting, string named)
    {
        var dataDir = TestApp.NewDataDir();
        var ex = Assert.Throws<InvalidOperationException>(() => AppHost.Build([$"--BABYSEA_DATA_DIR={dataDir}", "--" + setting], TextWriter.Null));
        Assert.Contains(named, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.False(File.Exists(Path.Combine(dataDir, "babysea.db")), "nothing is opened before the settings are checked");
    }

    [Theory]
    [InlineData("Host=db;Passwrd=hunter22", "a key is unknown")]
    [InlineData("Database=babysea;Password=hunter22", "it names no Host")]
    public void ABadPostgresConnectionString_StopsStart_WithoutRepeatingIt(string connectionString, string named)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => AppHost.Build([$"--BABYSEA_DATA_DIR={TestApp.NewDataDir()}", "--Storage:Engine=postgres",
            $"--Storage:ConnectionString={connectionString}"], TextWriter.Null));
        Assert.Contains("Storage:ConnectionString is not a PostgreSQL connection string", ex.Message);
        Assert.Contains(named, ex.Message);
        Assert.DoesNotContain("hunter22", ex.Message);
    }

    [Theory]
    [InlineData("Appliance:TrustedProxies=10.0.0.5, 10.1.0.0/16")]
    [InlineData("Appliance:TrustedProxies:0=10.0.0.5")]
    [InlineData("Outbound:AllowedPrivateHosts:0=webhooks.internal")]
    [InlineData("Providers:cloudflare:AccountId=acct")]
    [InlineData("Providers:FAL:Enabled=false")]
    [InlineData("Logging:Level=debug")]
    [InlineData("Billing:RenewalSchedule=0 3 * * *")]
    public void ValidSettings_InEitherForm_AreAccepted(string setting)
    {
        var config = new ConfigurationBuilder().AddJsonFile(AppHost.ConfigFile("appsettings.json")).AddCommandLine(["--" + setting]).Build();
        Assert.NotNull(ApplianceSettings.From(config));
    }
}
