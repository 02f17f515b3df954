/* test-limits.h: what the unit tests that run the sandbox share: whether
 * AddressSanitizer is in (its shadow memory cannot live under an address
 * space limit, so the tests then set none), and the memory they allow. */
#ifndef PORTAL_TEST_LIMITS_H
#define PORTAL_TEST_LIMITS_H

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

#define MB ((size_t)1024 * 1024)
#define TEST_MEMORY (UNDER_ASAN ? 0 : 512 * MB)

#endif
