using System.Text.Json.Nodes;

namespace BabySea.Appliance.Providers.BytePlus;

/// <summary>ModelArk's wire vocabulary (providers.md §7), spelled exactly as BytePlus spells it, shared by the adapter and the emulator.</summary>
public static class BytePlusWire
{
    /// <summary>Seedance task statuses.</summary>
    public static class Status
    {
        public const string Queued = "queued";
        public const string Running = "running";
        public const string Succeeded = "succeeded";
        public const string Failed = "failed";
        public const string Cancelled = "cancelled";
        public const string Expired = "expired";
    }

    /// <summary>Error codes the emulator answers and the classifier names (the classifier also knows their families).</summary>
    public static class Codes
    {
        public const string AuthenticationError = "AuthenticationError";
        public const string AccountOverdue = "AccountOverdueError";
        public const string ClosedEndpoint = "InvalidEndpoint.ClosedEndpoint";
        public const string EndpointRpmExceeded = "RateLimitExceeded.EndpointRPMExceeded";
        public const string ServerOverloaded = "ServerOverloaded";
        public const string InternalServiceError = "InternalServiceError";
        public const string MissingParameter = "MissingParameter";
        public const string InvalidParameter = "InvalidParameter";
        public const string InputTextSensitive = "InputTextSensitiveContentDetected";
        public const string OutputImageSensitive = "OutputImageSensitiveContentDetected";
        public const string OutputVideoSensitive = "OutputVideoSensitiveContentDetected";
        public const string ResourceNotFound = "ResourceNotFound";
    }

    /// <summary>Seedance <c>content</c> item roles that carry an image; each is a native parameter name in the catalog.</summary>
    public static readonly IReadOnlyList<string> ImageRoles = ["first_frame", "last_frame", "reference_image"];
}
