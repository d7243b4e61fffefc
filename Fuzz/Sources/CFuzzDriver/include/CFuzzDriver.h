// libFuzzer's entry for programs with their own main (in libclang_rt.fuzzer, linked by -sanitize=fuzzer).
// SwiftPM gives an executable target's main another name and links it as `main`, so a fuzz target cannot
// leave main to libFuzzer; its main.swift calls this instead (docs/fuzzing.md).
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
