namespace BabySea.Appliance.Providers.Emulator;

/// <summary>
/// The input parameter names each provider publishes for the models the emulators serve, read from the providers'
/// own API schemas and model pages, independently of <c>config/models.json</c>. The emulators reject any other name
/// the way the real API rejects it, so a catalog binding (or an adapter) that sends a parameter the provider does
/// not have fails in staging instead of in production. A model missing here is not checked: operators may point
/// the catalog at models the emulators have never heard of.
/// </summary>
/// <remarks>
/// Keys are the model as each wire names it: Replicate <c>owner/name</c>; fal the full endpoint path (edit and
/// image-to-video siblings have their own schemas); BFL the endpoint; Runway, BytePlus, OpenAI and Cloudflare the
/// model id (OpenAI's edits endpoint under <c>{model}/edits</c>); DashScope the model with every name qualified by
/// the object it belongs in (<c>input.prompt</c>, <c>parameters.size</c>).
/// </remarks>
public static class NativeSchemas
{
    private static readonly Dictionary<string, IReadOnlySet<string>> Schemas = Build();

    /// <summary>The parameter names <paramref name="provider"/> documents for <paramref name="model"/>, or null when it is not known here.</summary>
    public static IReadOnlySet<string>? For(string provider, string model) => Schemas.GetValueOrDefault(Key(provider, model));

    /// <summary>The first of <paramref name="names"/> that the model's published schema lacks; null when all are known or the model is not.</summary>
    public static string? FirstUnknown(string provider, string model, IEnumerable<string> names)
        => For(provider, model) is { } known ? names.FirstOrDefault(n => !known.Contains(n)) : null;

    private static string Key(string provider, string model) => provider + " " + model;

    private static Dictionary<string, IReadOnlySet<string>> Build()
    {
        var schemas = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        void Add(string provider, string names, params string[] models)
        {
            var set = new HashSet<string>(names.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
            foreach (var model in models) schemas.Add(Key(provider, model), set);
        }
        Replicate(Add);
        Fal(Add);
        Bfl(Add);
        BytePlus(Add);
        Cloudflare(Add);
        Runway(Add);
        OpenAi(Add);
        DashScope(Add);
        return schemas;
    }

    private delegate void Adder(string provider, string names, params string[] models);

    private static void Replicate(Adder add)
    {
        const string p = "replicate";
        add(p, "prompt aspect_ratio num_outputs num_inference_steps seed output_format output_quality disable_safety_checker go_fast megapixels",
            "black-forest-labs/flux-schnell");
        add(p, "prompt aspect_ratio image prompt_strength num_outputs num_inference_steps guidance seed output_format output_quality disable_safety_checker go_fast megapixels",
            "black-forest-labs/flux-dev");
        add(p, "prompt aspect_ratio width height image_prompt safety_tolerance prompt_upsampling output_format output_quality seed", "black-forest-labs/flux-1.1-pro");
        add(p, "prompt aspect_ratio image_prompt image_prompt_strength safety_tolerance raw output_format seed", "black-forest-labs/flux-1.1-pro-ultra");
        add(p, "prompt input_images aspect_ratio resolution width height safety_tolerance seed output_format output_quality",
            "black-forest-labs/flux-2-pro", "black-forest-labs/flux-2-max");
        add(p, "prompt input_images aspect_ratio resolution width height safety_tolerance seed output_format output_quality steps guidance prompt_upsampling",
            "black-forest-labs/flux-2-flex");
        add(p, "prompt input_images aspect_ratio width height go_fast seed output_format output_quality disable_safety_checker", "black-forest-labs/flux-2-dev");
        add(p, "prompt images aspect_ratio output_megapixels seed output_format output_quality go_fast disable_safety_checker",
            "black-forest-labs/flux-2-klein-4b", "black-forest-labs/flux-2-klein-9b");
        add(p, "prompt input_image aspect_ratio output_format safety_tolerance prompt_upsampling seed",
            "black-forest-labs/flux-kontext-pro", "black-forest-labs/flux-kontext-max");
        add(p, "prompt image last_frame_image reference_images duration resolution aspect_ratio fps camera_fixed seed", "bytedance/seedance-1-lite");
        add(p, "prompt image last_frame_image duration resolution aspect_ratio fps camera_fixed seed", "bytedance/seedance-1-pro");
        add(p, "prompt image duration resolution aspect_ratio fps camera_fixed seed", "bytedance/seedance-1-pro-fast");
        add(p, "prompt image last_frame_image duration resolution aspect_ratio fps camera_fixed generate_audio seed", "bytedance/seedance-1.5-pro");
        add(p, "prompt image last_frame_image reference_images reference_videos reference_audios duration resolution aspect_ratio generate_audio seed",
            "bytedance/seedance-2.0", "bytedance/seedance-2.0-fast");
        add(p, "prompt image guidance_scale seed", "bytedance/seededit-3.0");
        add(p, "prompt aspect_ratio size width height guidance_scale seed", "bytedance/seedream-3");
        add(p, "prompt image_input size aspect_ratio width height sequential_image_generation max_images enhance_prompt",
            "bytedance/seedream-4", "bytedance/seedream-4.5");
        add(p, "prompt image_input size aspect_ratio width height sequential_image_generation max_images output_format", "bytedance/seedream-5-lite");
        add(p, "prompt aspect_ratio negative_prompt safety_filter_level", "google/imagen-3");
        add(p, "prompt aspect_ratio output_format safety_filter_level", "google/imagen-4", "google/imagen-4-fast", "google/imagen-4-ultra");
        add(p, "prompt image_input aspect_ratio output_format", "google/nano-banana");
        add(p, "prompt image_input aspect_ratio resolution output_format safety_filter_level", "google/nano-banana-pro", "google/nano-banana-2");
        add(p, "prompt aspect_ratio duration image seed", "google/veo-2");
        const string veo = "prompt aspect_ratio duration image negative_prompt resolution generate_audio seed";
        add(p, veo, "google/veo-3");
        add(p, veo + " last_frame", "google/veo-3.1-fast", "google/veo-3.1-lite");
        add(p, veo + " last_frame reference_images", "google/veo-3.1");
        add(p, "prompt aspect_ratio resolution magic_prompt_option image mask style_type style_reference_images seed",
            "ideogram-ai/ideogram-v3-turbo", "ideogram-ai/ideogram-v3-quality");
        add(p, "prompt negative_prompt aspect_ratio start_image end_image duration cfg_scale", "kwaivgi/kling-v1.5-pro");
        add(p, "prompt negative_prompt aspect_ratio start_image duration", "kwaivgi/kling-v2.1-master", "kwaivgi/kling-v2.5-turbo-pro");
        add(p, "prompt aspect_ratio image_reference image_reference_weight style_reference style_reference_weight character_reference seed",
            "luma/photon", "luma/photon-flash");
        add(p, "prompt first_frame_image last_frame_image duration resolution prompt_optimizer", "minimax/hailuo-02");
        add(p, "prompt aspect_ratio number_of_images prompt_optimizer subject_reference", "minimax/image-01");
        add(p, "prompt aspect_ratio input_images number_of_images quality background output_format output_compression moderation input_fidelity openai_api_key user_id",
            "openai/gpt-image-1", "openai/gpt-image-1.5");
        add(p, "prompt aspect_ratio input_images number_of_images quality background output_format output_compression moderation openai_api_key user_id",
            "openai/gpt-image-2");
        add(p, "prompt negative_prompt aspect_ratio image_size image go_fast guidance num_inference_steps strength seed output_format output_quality enhance_prompt disable_safety_checker",
            "qwen/qwen-image");
        add(p, "prompt image aspect_ratio go_fast seed output_format output_quality disable_safety_checker", "qwen/qwen-image-edit", "qwen/qwen-image-edit-plus");
        add(p, "prompt size aspect_ratio style", "recraft-ai/recraft-v3");
        add(p, "prompt image aspect_ratio duration seed", "runwayml/gen-4.5", "runwayml/gen4-turbo");
        add(p, "prompt video aspect_ratio reference_image seed", "runwayml/gen4-aleph");
        add(p, "prompt aspect_ratio resolution reference_images reference_tags seed", "runwayml/gen4-image", "runwayml/gen4-image-turbo");
        add(p, "prompt aspect_ratio cfg steps image prompt_strength seed output_format output_quality negative_prompt", "stability-ai/stable-diffusion-3.5-large");
        add(p, "prompt size duration negative_prompt enable_prompt_expansion audio seed", "wan-video/wan-2.5-t2v");
        add(p, "prompt negative_prompt audio resolution aspect_ratio duration enable_prompt_expansion seed", "wan-video/wan-2.7-t2v");
    }

    private static void Fal(Adder add)
    {
        const string p = "fal";
        add(p, "prompt image_size num_inference_steps seed sync_mode num_images enable_safety_checker output_format acceleration", "fal-ai/flux/schnell");
        add(p, "prompt image_size num_inference_steps guidance_scale seed sync_mode num_images enable_safety_checker output_format acceleration", "fal-ai/flux/dev");
        add(p, "prompt image_size seed sync_mode num_images enable_safety_checker safety_tolerance output_format enhance_prompt", "fal-ai/flux-pro/v1.1");
        add(p, "prompt seed sync_mode num_images enable_safety_checker safety_tolerance output_format aspect_ratio raw image_url image_prompt_strength enhance_prompt",
            "fal-ai/flux-pro/v1.1-ultra");
        const string flux2 = "prompt image_size seed safety_tolerance enable_safety_checker output_format sync_mode";
        add(p, flux2, "fal-ai/flux-2-pro", "fal-ai/flux-2-max");
        add(p, flux2 + " image_urls", "fal-ai/flux-2-pro/edit", "fal-ai/flux-2-max/edit");
        const string flex = flux2 + " num_inference_steps guidance_scale enable_prompt_expansion";
        add(p, flex, "fal-ai/flux-2-flex");
        add(p, flex + " image_urls", "fal-ai/flux-2-flex/edit");
        const string dev2 = "prompt image_size num_inference_steps guidance_scale seed num_images enable_safety_checker output_format sync_mode acceleration enable_prompt_expansion";
        add(p, dev2, "fal-ai/flux-2");
        add(p, dev2 + " image_urls", "fal-ai/flux-2/edit");
        const string klein = "prompt image_size num_inference_steps seed num_images enable_safety_checker output_format sync_mode";
        add(p, klein, "fal-ai/flux-2/klein/4b", "fal-ai/flux-2/klein/9b");
        add(p, klein + " image_urls", "fal-ai/flux-2/klein/4b/edit", "fal-ai/flux-2/klein/9b/edit");
        add(p, "prompt image_url aspect_ratio guidance_scale num_images safety_tolerance output_format seed sync_mode enhance_prompt",
            "fal-ai/flux-pro/kontext", "fal-ai/flux-pro/kontext/max");
        add(p, "prompt image_size guidance_scale num_images seed enable_safety_checker sync_mode", "fal-ai/bytedance/seedream/v3/text-to-image");
        const string seedream = "prompt image_size num_images max_images seed sync_mode enable_safety_checker";
        add(p, seedream, "fal-ai/bytedance/seedream/v4/text-to-image", "fal-ai/bytedance/seedream/v4.5/text-to-image",
            "fal-ai/bytedance/seedream/v5/lite/text-to-image");
        add(p, seedream + " image_urls", "fal-ai/bytedance/seedream/v4/edit", "fal-ai/bytedance/seedream/v4.5/edit", "fal-ai/bytedance/seedream/v5/lite/edit");
        add(p, "prompt image_url guidance_scale seed sync_mode enable_safety_checker", "fal-ai/bytedance/seededit/v3/edit-image");
        const string seedance = "prompt aspect_ratio resolution duration camera_fixed seed enable_safety_checker";
        add(p, seedance, "fal-ai/bytedance/seedance/v1/pro/text-to-video", "fal-ai/bytedance/seedance/v1/pro/fast/text-to-video",
            "fal-ai/bytedance/seedance/v1/lite/text-to-video");
        add(p, seedance + " image_url end_image_url", "fal-ai/bytedance/seedance/v1/pro/image-to-video", "fal-ai/bytedance/seedance/v1/lite/image-to-video");
        add(p, seedance + " image_url", "fal-ai/bytedance/seedance/v1/pro/fast/image-to-video");
        add(p, seedance + " generate_audio", "fal-ai/bytedance/seedance/v1.5/pro/text-to-video");
        add(p, seedance + " generate_audio image_url end_image_url", "fal-ai/bytedance/seedance/v1.5/pro/image-to-video");
        add(p, "prompt image_size num_inference_steps guidance_scale negative_prompt seed num_images enable_safety_checker safety_checker_version expand_prompt format sync_mode",
            "fal-ai/fast-sdxl");
        const string gpt = "prompt image_size num_images quality background output_format sync_mode";
        add(p, gpt, "fal-ai/gpt-image-1.5");
        add(p, gpt + " image_urls input_fidelity mask_image_url", "fal-ai/gpt-image-1.5/edit");
        add(p, "prompt image_size rendering_speed num_images seed style expand_prompt negative_prompt style_codes color_palette image_urls sync_mode", "fal-ai/ideogram/v3");
        add(p, "prompt negative_prompt aspect_ratio num_images seed", "fal-ai/imagen3");
        add(p, "prompt negative_prompt aspect_ratio num_images seed resolution output_format",
            "fal-ai/imagen4/preview", "fal-ai/imagen4/preview/fast", "fal-ai/imagen4/preview/ultra");
        add(p, "prompt duration aspect_ratio negative_prompt cfg_scale", "fal-ai/kling-video/v1.5/pro/text-to-video",
            "fal-ai/kling-video/v2.1/master/text-to-video", "fal-ai/kling-video/v2.5-turbo/pro/text-to-video");
        add(p, "prompt image_url duration aspect_ratio negative_prompt cfg_scale tail_image_url", "fal-ai/kling-video/v1.5/pro/image-to-video");
        add(p, "prompt image_url duration negative_prompt cfg_scale", "fal-ai/kling-video/v2.1/master/image-to-video");
        add(p, "prompt image_url duration negative_prompt cfg_scale tail_image_url", "fal-ai/kling-video/v2.5-turbo/pro/image-to-video");
        add(p, "prompt aspect_ratio", "fal-ai/luma-photon", "fal-ai/luma-photon/flash");
        add(p, "prompt duration prompt_optimizer", "fal-ai/minimax/hailuo-02/standard/text-to-video");
        add(p, "prompt image_url duration prompt_optimizer end_image_url", "fal-ai/minimax/hailuo-02/standard/image-to-video");
        add(p, "prompt aspect_ratio num_images prompt_optimizer", "fal-ai/minimax/image-01");
        add(p, "prompt num_images aspect_ratio output_format sync_mode", "fal-ai/nano-banana");
        add(p, "prompt num_images aspect_ratio output_format sync_mode image_urls", "fal-ai/nano-banana/edit");
        const string banana = "prompt num_images aspect_ratio output_format resolution sync_mode seed enable_web_search";
        add(p, banana, "fal-ai/nano-banana-pro", "fal-ai/nano-banana-2");
        add(p, banana + " image_urls", "fal-ai/nano-banana-pro/edit", "fal-ai/nano-banana-2/edit");
        const string qwen = "prompt image_size num_inference_steps guidance_scale seed num_images enable_safety_checker output_format negative_prompt acceleration sync_mode";
        add(p, qwen + " loras", "fal-ai/qwen-image");
        add(p, qwen + " image_url", "fal-ai/qwen-image-edit");
        add(p, qwen + " image_urls", "fal-ai/qwen-image-edit-plus");
        add(p, "prompt image_size style colors style_id enable_safety_checker", "fal-ai/recraft/v3/text-to-image");
        add(p, "prompt negative_prompt num_inference_steps seed guidance_scale image_size num_images enable_safety_checker output_format sync_mode",
            "fal-ai/stable-diffusion-v35-large");
        add(p, "prompt aspect_ratio duration negative_prompt enhance_prompt seed auto_fix", "fal-ai/veo2");
        add(p, "prompt image_url aspect_ratio duration", "fal-ai/veo2/image-to-video");
        const string veo = "prompt aspect_ratio duration negative_prompt seed auto_fix resolution generate_audio";
        add(p, veo + " enhance_prompt", "fal-ai/veo3", "fal-ai/veo3.1", "fal-ai/veo3.1/fast", "fal-ai/veo3.1/lite");
        add(p, veo + " image_url", "fal-ai/veo3/image-to-video", "fal-ai/veo3.1/image-to-video", "fal-ai/veo3.1/fast/image-to-video",
            "fal-ai/veo3.1/lite/image-to-video");
        add(p, "prompt aspect_ratio resolution duration audio_url seed negative_prompt enable_prompt_expansion enable_safety_checker",
            "fal-ai/wan-25-preview/text-to-video");
        add(p, "prompt image_size num_inference_steps seed sync_mode num_images enable_safety_checker output_format acceleration enable_prompt_expansion",
            "fal-ai/z-image/turbo");
    }

    private static void Bfl(Adder add)
    {
        const string p = "bfl";
        const string hooks = " webhook_url webhook_secret";
        add(p, "prompt image_prompt width height prompt_upsampling seed safety_tolerance output_format" + hooks, "flux-pro-1.1");
        add(p, "prompt prompt_upsampling seed aspect_ratio safety_tolerance output_format raw image_prompt image_prompt_strength" + hooks, "flux-pro-1.1-ultra");
        add(p, "prompt input_image seed aspect_ratio output_format prompt_upsampling safety_tolerance" + hooks, "flux-kontext-pro", "flux-kontext-max");
        const string flux2 = "prompt input_image input_image_2 input_image_3 input_image_4 width height seed safety_tolerance output_format prompt_upsampling" + hooks;
        const string eight = " input_image_5 input_image_6 input_image_7 input_image_8";
        add(p, flux2 + eight, "flux-2-pro", "flux-2-max");
        add(p, flux2 + eight + " steps guidance", "flux-2-flex");
        add(p, flux2, "flux-2-klein-4b", "flux-2-klein-9b");
    }

    private static void BytePlus(Adder add)
    {
        const string p = "byteplus";
        const string seedream = "model prompt image size seed sequential_image_generation sequential_image_generation_options stream response_format watermark optimize_prompt_options";
        add(p, seedream, "seedream-4-0-250828", "seedream-4-5-251128");
        add(p, seedream + " output_format", "seedream-5-0-260128");
        add(p, "model prompt size seed guidance_scale response_format watermark", "seedream-3-0-t2i-250415");
        add(p, "model prompt image size seed guidance_scale response_format watermark", "seededit-3-0-i2i-250628");
        const string task = "model content resolution ratio duration frames seed watermark callback_url return_last_frame service_tier execution_expires_after";
        add(p, task + " camera_fixed", "seedance-1-0-pro-250528", "seedance-1-0-pro-fast-251015");
        add(p, task + " camera_fixed generate_audio draft", "seedance-1-5-pro-251215");
        add(p, task + " generate_audio", "dreamina-seedance-2-0-260128", "dreamina-seedance-2-0-fast-260128");
    }

    private static void Cloudflare(Adder add)
    {
        const string p = "cloudflare";
        add(p, "prompt steps seed", "@cf/black-forest-labs/flux-1-schnell");
        const string flux2 = "prompt input_image_0 input_image_1 input_image_2 input_image_3 guidance width height seed";
        add(p, flux2, "@cf/black-forest-labs/flux-2-klein-4b", "@cf/black-forest-labs/flux-2-klein-9b");
        add(p, flux2 + " steps", "@cf/black-forest-labs/flux-2-dev");
        add(p, "prompt negative_prompt height width image image_b64 mask num_steps strength guidance seed",
            "@cf/stabilityai/stable-diffusion-xl-base-1.0", "@cf/bytedance/stable-diffusion-xl-lightning", "@cf/lykon/dreamshaper-8-lcm");
        add(p, "prompt guidance seed height width num_steps steps", "@cf/leonardo/lucid-origin");
        add(p, "prompt guidance seed height width num_steps negative_prompt", "@cf/leonardo/phoenix-1.0");
    }

    private static void Runway(Adder add)
    {
        const string p = "runway";
        add(p, "model promptText ratio referenceImages seed contentModeration", "gen4_image", "gen4_image_turbo");
        add(p, "model promptImage promptText ratio duration seed contentModeration", "gen4_turbo", "gen4.5");
        add(p, "model videoUri promptText keyframes targetAspectRatio seed contentModeration", "aleph2");
    }

    private static void OpenAi(Adder add)
    {
        const string p = "openai";
        const string generations = "model prompt n size quality background output_format output_compression moderation stream partial_images user";
        string[] models = ["gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5", "gpt-image-2"];
        add(p, generations, models);
        const string edits = "model prompt image image[] mask n size quality background output_format output_compression stream partial_images user";
        add(p, edits + " input_fidelity", [.. models.Where(m => m != "gpt-image-1-mini").Select(m => m + "/edits")]);
        add(p, edits, "gpt-image-1-mini/edits");
    }

    private static void DashScope(Adder add)
    {
        const string p = "alibabacloud";
        const string messages = "input.messages parameters.size parameters.n parameters.negative_prompt parameters.prompt_extend parameters.watermark parameters.seed";
        add(p, messages, "qwen-image", "qwen-image-plus", "qwen-image-max", "qwen-image-2.0", "qwen-image-2.0-pro", "qwen-image-edit", "qwen-image-edit-plus",
            "qwen-image-edit-max", "wan2.6-t2i", "wan2.7-image", "wan2.7-image-pro");
        add(p, messages + " parameters.enable_interleave parameters.max_images", "wan2.6-image");
        add(p, "input.messages parameters.size parameters.prompt_extend parameters.seed", "z-image-turbo");
        add(p, "input.function input.prompt input.base_image_url input.mask_image_url parameters.n parameters.seed parameters.strength parameters.top_scale "
            + "parameters.bottom_scale parameters.left_scale parameters.right_scale parameters.upscale_factor parameters.is_sketch parameters.watermark",
            "wanx2.1-imageedit");
        add(p, "input.prompt input.negative_prompt input.images parameters.n parameters.seed parameters.watermark", "wan2.5-i2i-preview");
        const string t2v = "input.prompt input.negative_prompt input.audio_url parameters.size parameters.duration parameters.prompt_extend parameters.watermark "
            + "parameters.seed parameters.audio";
        add(p, t2v, "wan2.5-t2v-preview");
        add(p, t2v + " parameters.shot_type", "wan2.6-t2v");
        add(p, "input.prompt input.negative_prompt input.img_url input.audio_url parameters.resolution parameters.duration parameters.prompt_extend "
            + "parameters.shot_type parameters.audio parameters.watermark parameters.seed", "wan2.6-i2v");
        const string wan27 = "input.prompt input.negative_prompt parameters.resolution parameters.prompt_extend parameters.watermark parameters.seed";
        add(p, wan27 + " input.audio_url parameters.ratio parameters.duration", "wan2.7-t2v");
        add(p, wan27 + " input.media parameters.duration", "wan2.7-i2v-2026-04-25");
        add(p, wan27 + " input.media parameters.ratio parameters.duration", "wan2.7-r2v");
        add(p, wan27 + " input.media", "wan2.7-videoedit");
        const string horse = "input.prompt parameters.resolution parameters.watermark parameters.seed";
        add(p, horse + " parameters.ratio parameters.duration", "happyhorse-1.0-t2v");
        add(p, horse + " input.media parameters.duration", "happyhorse-1.0-i2v");
        add(p, horse + " input.media parameters.ratio parameters.duration", "happyhorse-1.0-r2v");
        add(p, horse + " input.media", "happyhorse-1.0-video-edit");
    }
}
