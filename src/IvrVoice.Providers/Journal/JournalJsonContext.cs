using System.Text.Json.Serialization;

namespace IvrVoice.Providers.Journal;

[JsonSerializable(typeof(TtsJob))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
internal sealed partial class JournalJsonContext : JsonSerializerContext;
