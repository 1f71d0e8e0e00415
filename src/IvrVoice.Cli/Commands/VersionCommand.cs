using System.CommandLine;
using System.Reflection;

namespace IvrVoice.Cli.Commands;

internal static class VersionCommand
{
    public static Command Create()
    {
        Command command = new("about", "Print the version and the runtime's SIMD support.");
        command.SetAction(_ =>
        {
            string version = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev";
            string build = System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? ".NET tool (JIT)" : "native (AOT, x86-64-v3)";
            Console.WriteLine($"ivrvoice {version} {build} on .NET {Environment.Version}; {CpuSupport.Describe()}; Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, Vector256 {System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}");
            return ExitCodes.Success;
        });
        return command;
    }
}
