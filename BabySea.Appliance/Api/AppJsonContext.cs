using System.Text.Json;
using System.Text.Json.Serialization;

namespace BabySea.Appliance.Api;

/// <summary>
/// Every type the appliance serializes. Under Native AOT a type missing here fails at run time, not at
/// build time; the test project turns reflection off so the suite catches it too.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(StatusData))]
[JsonSerializable(typeof(AccountData))]
[JsonSerializable(typeof(BillingData))]
[JsonSerializable(typeof(EstimateData))]
[JsonSerializable(typeof(CreateData))]
[JsonSerializable(typeof(GenerationData))]
[JsonSerializable(typeof(GenerationListData))]
[JsonSerializable(typeof(CancelData))]
[JsonSerializable(typeof(DeleteData))]
[JsonSerializable(typeof(ProvidersHealthData))]
[JsonSerializable(typeof(ModelsHealthData))]
[JsonSerializable(typeof(ProbeData))]
[JsonSerializable(typeof(LibraryProvidersData))]
[JsonSerializable(typeof(LibraryModelsData))]
[JsonSerializable(typeof(UsageData))]
[JsonSerializable(typeof(AnalyticsData))]
[JsonSerializable(typeof(RequestLogPageData))]
[JsonSerializable(typeof(LedgerPageData))]
[JsonSerializable(typeof(AdminAccountData))]
[JsonSerializable(typeof(AdminAccountsData))]
[JsonSerializable(typeof(AdminKeyCreatedData))]
[JsonSerializable(typeof(AdminKeysData))]
[JsonSerializable(typeof(AdminKeyData))]
[JsonSerializable(typeof(AdminLedgerEntryData))]
[JsonSerializable(typeof(AdminCreateAccountBody))]
[JsonSerializable(typeof(AdminCreateKeyBody))]
[JsonSerializable(typeof(AdminCreditsBody))]
[JsonSerializable(typeof(AdminPlanBody))]
[JsonSerializable(typeof(AdminAlertsData))]
[JsonSerializable(typeof(AdminAlertsBody))]
[JsonSerializable(typeof(AdminActivityData))]
[JsonSerializable(typeof(AdminCreditPackBody))]
[JsonSerializable(typeof(VerifyData))]
[JsonSerializable(typeof(AdminWebhookData))]
[JsonSerializable(typeof(AdminWebhookSecretData))]
[JsonSerializable(typeof(AdminWebhooksData))]
[JsonSerializable(typeof(AdminWebhookDeletedData))]
[JsonSerializable(typeof(AdminWebhookDeliveryData))]
[JsonSerializable(typeof(AdminWebhookDeliveriesData))]
[JsonSerializable(typeof(AdminCreateWebhookBody))]
public sealed partial class AppJsonContext : JsonSerializerContext;
