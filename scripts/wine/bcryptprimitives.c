/* bcryptprimitives.dll for Wine 8, which lacks it: the Rust standard library calls its
 * ProcessPrng for random bytes as a program starts. This one takes them from RtlGenRandom
 * (SystemFunction036 in advapi32), which Wine has. Built by scripts/wine-run; used only to run
 * the Windows build under Wine in tests. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
