/* Every fuzz target defines this libFuzzer entry point. In ordinary builds
 * replay.c calls it over the seed corpus, so each crash found becomes a
 * regression test. */
#ifndef MAILAUTH_FUZZ_H
#define MAILAUTH_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
