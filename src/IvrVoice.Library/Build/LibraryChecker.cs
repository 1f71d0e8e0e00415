using IvrVoice.Caching;
using IvrVoice.Prompts;

namespace IvrVoice.Library.Build;

/// <summary>
/// <c>--check</c>: compares a library with the manifest and files of an output folder without rendering anything: prompts by key
/// and file hashes, templates by the keys of every piece they plan.
/// </summary>
internal static class LibraryChecker
{
    public static async Task<LibraryCheckResult> RunAsync(PromptLibrary library, LibraryBuildOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(library);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        LibraryBuildPlan plan = BuildPlanner.Create(library, options, isServed: null);
        if (plan.Problems.Count > 0)
        {
            throw new LibraryBuildException(
                $"{plan.Problems.Count} prompt(s) cannot be rendered with these settings:{Environment.NewLine}{string.Join(Environment.NewLine, plan.Problems)}");
        }

        string output = Path.GetFullPath(options.OutputFolder);
        BuildManifest? manifest;
        try
        {
            manifest = BuildManifest.Read(output);
        }
        catch (ManifestException e)
        {
            return new LibraryCheckResult(plan.Prompts.Count, [new StalePrompt("*", "*", e.Message)]) { TemplatesChecked = plan.Templates.Count };
        }

        int count = plan.Prompts.Count;
        if (manifest is null)
        {
            return new LibraryCheckResult(count, [
                .. plan.Prompts.Select(p => new StalePrompt(p.Language, p.Id, $"not built ({output} has no {BuildManifest.FileName})")),
                .. plan.Templates.Select(t => new StalePrompt(t.Language, t.Id, $"not built ({output} has no {BuildManifest.FileName})"))]) { TemplatesChecked = plan.Templates.Count };
        }

        ExportTargets required = options.Exports ?? ParseTargets(manifest.Build.Exports);
        List<StalePrompt> stale = [];
        foreach (PlannedPrompt planned in plan.Prompts)
        {
            ManifestPrompt? entry = manifest.Find(planned.Language, planned.Id);
            if (entry is null)
            {
                stale.Add(new StalePrompt(planned.Language, planned.Id, "not built"));
                continue;
            }

            PlannedPrompt expected = options.Model is null && entry.FallbackFrom is { } from && from == planned.Spec.Model
                ? BuildPlanner.WithFallback(planned, entry.Model)
                : planned;
            if (entry.Key != expected.Key)
            {
                stale.Add(new StalePrompt(planned.Language, planned.Id, DescribeChange(entry, expected.Spec)));
                continue;
            }

            if (await FindFileProblemAsync(output, entry, required, cancellationToken).ConfigureAwait(false) is { } problem)
            {
                stale.Add(new StalePrompt(planned.Language, planned.Id, problem));
            }
        }

        HashSet<string> languages = [.. options.Languages];
        foreach (ManifestPrompt entry in manifest.Prompts)
        {
            if ((languages.Count == 0 || languages.Contains(entry.Language)) && !library.TryGetPrompt(entry.Language, entry.Id, out _))
            {
                stale.Add(new StalePrompt(entry.Language, entry.Id, "no longer in the library"));
            }
            else if (library.TryGetPrompt(entry.Language, entry.Id, out LibraryPrompt? now) && now.IsTemplate)
            {
                stale.Add(new StalePrompt(entry.Language, entry.Id, "now a template; its files are left from when it was a prompt"));
            }
        }

        stale.AddRange(CheckTemplates(library, options, plan, manifest));
        return new LibraryCheckResult(count, stale) { TemplatesChecked = plan.Templates.Count };
    }

    /// <summary>Each template must be in the manifest, and every piece it plans (with the model it was built with) listed there.</summary>
    private static IEnumerable<StalePrompt> CheckTemplates(PromptLibrary library, LibraryBuildOptions options, LibraryBuildPlan plan, BuildManifest manifest)
    {
        HashSet<PromptKey> built = [.. manifest.Pieces.Select(p => p.Key)];
        foreach (PlannedTemplate planned in plan.Templates)
        {
            ManifestTemplate? entry = manifest.Templates.FirstOrDefault(t => t.Language == planned.Language && t.Id == planned.Id);
            if (entry is null)
            {
                yield return new StalePrompt(planned.Language, planned.Id, "template not built");
                continue;
            }

            PlannedTemplate expected = options.Model is null && entry.FallbackFrom is { } from && from == planned.BaseSpec.Model
                ? BuildPlanner.WithFallback(planned, entry.Model)
                : planned;
            int missing = expected.Pieces.Count(piece => !built.Contains(piece.Key));
            if (missing > 0)
            {
                yield return new StalePrompt(planned.Language, planned.Id, $"{missing} of {expected.Pieces.Count} template pieces not built");
            }
            else if (!string.Equals(entry.Text, expected.BaseSpec.Text, StringComparison.Ordinal)
                || !string.Equals(entry.Strategy, planned.Prompt.Strategy.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                yield return new StalePrompt(planned.Language, planned.Id, "template text or strategy changed");
            }
        }

        HashSet<string> languages = [.. options.Languages];
        foreach (ManifestTemplate entry in manifest.Templates)
        {
            if ((languages.Count == 0 || languages.Contains(entry.Language))
                && !(library.TryGetPrompt(entry.Language, entry.Id, out LibraryPrompt? prompt) && prompt.IsTemplate))
            {
                yield return new StalePrompt(entry.Language, entry.Id, "template no longer in the library");
            }
        }
    }

    private static ExportTargets ParseTargets(IReadOnlyList<string> names) =>
        ExportTargetNames.TryParse(string.Join(',', names), out ExportTargets targets, out _) ? targets : ExportTargets.All;

    private static string DescribeChange(ManifestPrompt entry, PromptSpec spec)
    {
        if (!string.Equals(entry.Text, spec.Text, StringComparison.Ordinal))
        {
            return "text changed";
        }

        if (!string.Equals(entry.Voice, spec.Voice, StringComparison.Ordinal))
        {
            return $"voice changed ({entry.Voice} → {spec.Voice})";
        }

        if (!string.Equals(entry.Model, spec.Model, StringComparison.Ordinal))
        {
            return $"model changed ({entry.Model} → {spec.Model})";
        }

        return "settings changed (style, temperature, speakers, mastering or render pipeline)";
    }

    private static async Task<string?> FindFileProblemAsync(string output, ManifestPrompt entry, ExportTargets required, CancellationToken cancellationToken)
    {
        foreach (string fileKey in LibraryExports.FileKeys(required))
        {
            if (!entry.Files.ContainsKey(fileKey))
            {
                return $"no {fileKey} file";
            }
        }

        foreach ((string fileKey, ManifestFile file) in entry.Files)
        {
            string? hash = await AtomicFile.HashAsync(Path.Combine(output, file.Path), cancellationToken).ConfigureAwait(false);
            if (hash is null)
            {
                return $"{file.Path} is missing";
            }

            if (!string.Equals(hash, file.Sha256, StringComparison.Ordinal))
            {
                return $"{file.Path} was modified ({fileKey})";
            }
        }

        return null;
    }
}
