using IvrVoice.Audio;
using Microsoft.Extensions.Logging;

namespace IvrVoice.Library.Build;

/// <summary>
/// Writes a prompt's export files into a build's output, keeping the files that are already whole, and finds the 16-bit
/// master the linear and A-law files are encoded from.
/// </summary>
internal sealed class ExportWriter(string output, ExportTargets targets, ILogger logger)
{
    private readonly string _output = output;
    private readonly ExportTargets _targets = targets;
    private readonly ILogger _logger = logger;

    /// <summary>The render mastered again into 16-bit PCM: the same resampler and mastering as its μ-law, without μ-law's quantisation.</summary>
    public ExportMaster? Master(PcmAudio source, MasteringOptions mastering, byte[] muLawWav)
    {
        byte[] sln = Transcoder.ToTelephony(source, OutputFormat.RawSln, mastering);
        if (sln.Length / 2 != LibraryExports.WavData(muLawWav).Length)
        {
            // Never expected: the two encodings of one signal must have one length. The μ-law is then the only trusted source.
            BuildLog.MasterMismatch(_logger, sln.Length / 2, LibraryExports.WavData(muLawWav).Length);
            return null;
        }

        return ExportMaster.FromPcm16(sln, LibraryExports.MasteredSource);
    }

    /// <summary>
    /// Writes every requested export file that is not already on disk with the right content. With
    /// <paramref name="sameAudio"/> the previous entry's files are this audio's, so intact ones stay and so do files of
    /// targets not asked for this time; otherwise every previous file holds old audio and is replaced or removed.
    /// </summary>
    public async Task<(IReadOnlyDictionary<string, ManifestFile> Files, string Source)> WriteFilesAsync(
        PlannedPrompt prompt, byte[] muLawWav, ExportMaster? master, ManifestPrompt? previous, bool sameAudio, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, ManifestFile> before = previous?.Files ?? new Dictionary<string, ManifestFile>();
        Dictionary<string, ManifestFile> files = new(StringComparer.Ordinal);
        string? source = master?.Source;
        foreach (string fileKey in LibraryExports.FileKeys(_targets))
        {
            string path = LibraryExports.PathOf(fileKey, prompt.Language, prompt.Id);
            if (sameAudio && before.TryGetValue(fileKey, out ManifestFile? kept) && kept.Path == path
                && await IsIntactAsync(kept, cancellationToken).ConfigureAwait(false))
            {
                files[fileKey] = kept;
                continue;
            }

            if (LibraryExports.UsesMaster(fileKey) && master is null)
            {
                master = sameAudio ? await LoadMasterAsync(previous!, cancellationToken).ConfigureAwait(false) : null;
                master ??= ExportMaster.FromMuLaw(muLawWav);
                source = master.Source;
            }

            byte[] bytes = LibraryExports.Produce(fileKey, muLawWav, master!);
            await AtomicFile.WriteAsync(Path.Combine(_output, path), bytes, cancellationToken).ConfigureAwait(false);
            files[fileKey] = new ManifestFile(path, AtomicFile.Hash(bytes), bytes.Length);
        }

        foreach ((string fileKey, ManifestFile file) in before)
        {
            if (files.ContainsKey(fileKey))
            {
                continue;
            }

            if (sameAudio && await IsIntactAsync(file, cancellationToken).ConfigureAwait(false))
            {
                files[fileKey] = file;
            }
            else
            {
                AtomicFile.TryDelete(Path.Combine(_output, file.Path));
            }
        }

        return (files, source ?? previous?.ExportSource ?? (master?.Source ?? LibraryExports.MasteredSource));
    }

    /// <summary>The master an earlier build wrote as .sln or FreeSWITCH WAV, when one of them is intact.</summary>
    private async Task<ExportMaster?> LoadMasterAsync(ManifestPrompt previous, CancellationToken cancellationToken)
    {
        if (await ReadIntactAsync(previous, LibraryExports.AsteriskSln, cancellationToken).ConfigureAwait(false) is { } sln)
        {
            return ExportMaster.FromPcm16(sln, previous.ExportSource);
        }

        if (await ReadIntactAsync(previous, LibraryExports.FreeSwitch, cancellationToken).ConfigureAwait(false) is { } wav)
        {
            return ExportMaster.FromPcm16(LibraryExports.WavData(wav), previous.ExportSource);
        }

        return null;
    }

    public async Task<byte[]?> ReadIntactAsync(ManifestPrompt entry, string fileKey, CancellationToken cancellationToken)
    {
        if (!entry.Files.TryGetValue(fileKey, out ManifestFile? file))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(Path.Combine(_output, file.Path), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        return string.Equals(AtomicFile.Hash(bytes), file.Sha256, StringComparison.Ordinal) ? bytes : null;
    }

    private async Task<bool> IsIntactAsync(ManifestFile file, CancellationToken cancellationToken) =>
        string.Equals(await AtomicFile.HashAsync(Path.Combine(_output, file.Path), cancellationToken).ConfigureAwait(false), file.Sha256, StringComparison.Ordinal);
}
