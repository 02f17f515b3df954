/* u64map.h: a hash map from nonzero 64-bit keys to 32-bit values.
 *
 * Open addressing with linear probing; the table doubles when half full.
 * Nothing is ever removed. The map owns its two arrays; u64map_free()
 * releases them. Not shared between threads. */
#ifndef PORTAL_U64MAP_H
#define PORTAL_U64MAP_H

#include <stddef.h>
#include <stdint.h>

struct u64map {
	uint64_t *keys;		/* 0 = empty */
	uint32_t *vals;
	size_t cap, n;
};

/* An empty map with room for about want keys before it grows. */
void u64map_init(struct u64map *m, size_t want);
void u64map_free(struct u64map *m);

/* 1 with *val set when key is in the map, else 0. A zeroed map (never
 * initialised) holds nothing. */
int u64map_get(const struct u64map *m, uint64_t key, uint32_t *val);

/* The value of key, inserting it with val when absent. key must not be 0. */
uint32_t u64map_put(struct u64map *m, uint64_t key, uint32_t val);

#endif
