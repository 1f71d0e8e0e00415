/*
 * Runs before the .NET runtime starts, as an ELF constructor of the Native AOT programs (`ivrvoice` and
 * `ivrvoice-full`): brings in the program's zero-filled data in one go. That is the .bss and the .hydrated section that
 * Native AOT unpacks its type data into at start: about 360 KiB in the launcher and 6 MiB in the full program, every
 * page of which the runtime writes. One-at-a-time page faults cost about 11 µs each on the virtual machines measured.
 * madvise(MADV_POPULATE_WRITE) brings the pages in at about 6 µs a page (docs/audio.md, "Speed and memory as a whole process").
 * MADV_HUGEPAGE first lets the kernel use 2 MiB pages for the parts of the range that hold whole ones. The pages are
 * the zeros they would have been. On kernels that refuse either advice (transparent huge pages off, or Linux before
 * 5.14), the pages fault in one by one as before.
 */
#include <stdint.h>
#include <sys/mman.h>

#ifndef MADV_HUGEPAGE
#define MADV_HUGEPAGE 14
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* Defined by the linker: the end of the initialised data, and the end of everything after it (.bss, .hydrated). */
extern char _edata[], _end[];

__attribute__((constructor)) static void ivrvoice_populate_zero_data(void)
{
    const uintptr_t page = 4096;
    uintptr_t from = ((uintptr_t)_edata + page - 1) & ~(page - 1);
    uintptr_t to = ((uintptr_t)_end + page - 1) & ~(page - 1);
    if (to > from)
    {
        (void)madvise((void *)from, to - from, MADV_HUGEPAGE);
        (void)madvise((void *)from, to - from, MADV_POPULATE_WRITE);
    }
}
