namespace BabySea.Appliance.Generations;

public enum MediaType { Image, Video }

public static class MediaTypes
{
    public static string Name(this MediaType t) => t == MediaType.Image ? "image" : "video";

    public static MediaType? Parse(string? s) => s switch { "image" => MediaType.Image, "video" => MediaType.Video, _ => null };
}
