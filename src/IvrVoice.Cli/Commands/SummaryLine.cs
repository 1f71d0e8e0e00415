using System.Runtime.InteropServices;
using System.Text;

namespace IvrVoice.Cli.Commands;

/// <summary>
/// Writes a command's one-line summary to standard output or error with one write(2) on Unix, the bytes Console would
/// write (UTF-8, the platform's newline). Console's first write sets up the terminal (its modes, and a thread that
/// handles SIGINT, SIGCONT and SIGCHLD for it), which in a prompt-sized transcode costs more than the audio work.
/// </summary>
internal static partial class SummaryLine
{
    public static void Write(bool toError, string line)
    {
        if (OperatingSystem.IsWindows())
        {
            (toError ? Console.Error : Console.Out).WriteLine(line);
            return;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(line + Environment.NewLine);
        int fd = toError ? 2 : 1;
        for (int done = 0; done < bytes.Length;)
        {
            nint n = WriteBytes(fd, ref bytes[done], bytes.Length - done);
            if (n > 0)
            {
                done += (int)n;
            }
            else if (Marshal.GetLastPInvokeError() != 4)   // EINTR: again; anything else (a closed stream) as Console: dropped
            {
                return;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteBytes(int fd, ref byte buffer, nint count);
}
