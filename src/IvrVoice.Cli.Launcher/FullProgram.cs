using System.Runtime.InteropServices;

namespace IvrVoice.Cli;

/// <summary>Hands a command line to the full program, <see cref="FileName"/> beside this one, by replacing this process (execv).</summary>
internal static partial class FullProgram
{
    /// <summary>The full program's file name; scripts/install.sh installs it next to <c>ivrvoice</c>.</summary>
    public const string FileName = "ivrvoice-full";

    /// <summary>The exit code when the full program cannot be started (as a shell's "not found").</summary>
    public const int NotRunnable = 127;

    /// <summary>Runs the full program with <paramref name="args"/>; returns only when it could not be started.</summary>
    public static int Run(string[] args)
    {
        string path = Path.Combine(AppContext.BaseDirectory, FileName);
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"ivrvoice: the full program '{path}' is missing; reinstall with bash scripts/install.sh.");
            return NotRunnable;
        }

        // argv[0] stays this program's, so the full program names itself `ivrvoice` in help and errors.
        string[] argv = [Environment.GetCommandLineArgs()[0], .. args];
        nint[] pointers = new nint[argv.Length + 1];
        try
        {
            for (int i = 0; i < argv.Length; i++)
            {
                pointers[i] = Marshal.StringToCoTaskMemUTF8(argv[i]);
            }

            Execv(path, pointers);
            int error = Marshal.GetLastPInvokeError();
            Console.Error.WriteLine($"ivrvoice: cannot start the full program '{path}': {Marshal.GetPInvokeErrorMessage(error)}.");
            return NotRunnable;
        }
        finally
        {
            foreach (nint pointer in pointers)
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "execv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Execv(string path, nint[] argv);
}
