/*
 * Runs before the .NET runtime starts, as an ELF constructor of the Native AOT programs for Linux (`ivrvoice` and
 * `ivrvoice-full`): brings in the program's zero-filled data in one go. That is the .bss and the .hydrated section that
 * Native AOT unpacks its type data into at start: about 360 KiB in the launcher and 6.5 MiB in the full program, every
 * page of which the runtime writes. Page faults taken one at a time cost about 10 µs each on the virtual machines
 * measured; madvise(MADV_POPULATE_WRITE) brings the same pages in at about 5 µs a page (the kernel still counts them as
 * minor faults), and after MADV_HUGEPAGE the kernel may use 2 MiB pages for the parts of the range that hold whole ones
 * (`bash scripts/bench-page-faults.sh`; docs/audio.md, "Speed and memory as a whole process"). The pages are the zeros they would have been. Where huge
 * pages are off the first advice does nothing; before Linux 5.14 the second is refused, and the pages fault in one by
 * one as before.
 */
#ifdef __linux__
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>

#ifndef MADV_HUGEPAGE
#define MADV_HUGEPAGE 14
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* Defined by the linker (GNU ld and lld alike): the end of the initialised data, and of all that follows it. */
extern char _edata[], _end[];

__attribute__((constructor)) static void ivrvoice_populate_zero_data(void)
{
    uintptr_t page = (uintptr_t)getauxval(AT_PAGESZ);
    if (page == 0 || (page & (page - 1)) != 0)
    {
        return;
    }

    uintptr_t from = ((uintptr_t)_edata + page - 1) & ~(page - 1);
    uintptr_t to = ((uintptr_t)_end + page - 1) & ~(page - 1);
    if (to > from)
    {
        (void)madvise((void *)from, to - from, MADV_HUGEPAGE);
        (void)madvise((void *)from, to - from, MADV_POPULATE_WRITE);
    }
}
#endif
