namespace IvrVoice.Providers.Configuration;

/// <summary>Segmind's two APIs: v1 answers with the audio; v2 queues a job to poll.</summary>
internal enum SegmindMode
{
    Sync,
    Async,
}
