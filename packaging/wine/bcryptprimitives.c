/* Only for running the Windows DLL under Debian 12's wine 8 (packaging/cross-smoke.sh):
 * Rust's standard library takes its random bytes from ProcessPrng in
 * bcryptprimitives.dll, which every Windows 10 and later has and wine 8 lacks. This stand-in
 * exports ProcessPrng over RtlGenRandom (advapi32's SystemFunction036), wine's own system
 * random source. It never ships: the zip in dist/ holds nothing of it. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
