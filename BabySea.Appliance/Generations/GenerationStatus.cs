namespace BabySea.Appliance.Generations;

public enum GenerationStatus { Pending, Processing, Succeeded, Failed, Canceled }

public static class GenerationStatuses
{
    public static string Name(this GenerationStatus s) => s switch
    {
        GenerationStatus.Pending => "pending",
        GenerationStatus.Processing => "processing",
        GenerationStatus.Succeeded => "succeeded",
        GenerationStatus.Failed => "failed",
        _ => "canceled",
    };

    public static GenerationStatus Parse(string s) => s switch
    {
        "pending" => GenerationStatus.Pending,
        "processing" => GenerationStatus.Processing,
        "succeeded" => GenerationStatus.Succeeded,
        "failed" => GenerationStatus.Failed,
        "canceled" => GenerationStatus.Canceled,
        _ => throw new FormatException($"Unknown generation status '{s}'"),
    };

    public static bool IsTerminal(this GenerationStatus s) => s >= GenerationStatus.Succeeded;
}
