/* u64map.c: a hash map from 64-bit keys (u64map.h). */
#include "u64map.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

static uint64_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

void u64map_init(struct u64map *m, size_t want)
{
	size_t cap = 64;
	while (cap < want * 2)
		cap *= 2;
	m->keys = xcalloc(cap, sizeof *m->keys);
	m->vals = xcalloc(cap, sizeof *m->vals);
	m->cap = cap;
	m->n = 0;
}

void u64map_free(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

/* The slot of key: where it is, or the empty slot where it would go. */
static size_t slot(const struct u64map *m, uint64_t key)
{
	size_t i = (size_t)mix(key) & (m->cap - 1);
	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

int u64map_get(const struct u64map *m, uint64_t key, uint32_t *val)
{
	if (!m->cap)
		return 0;
	size_t i = slot(m, key);
	if (!m->keys[i])
		return 0;
	*val = m->vals[i];
	return 1;
}

uint32_t u64map_put(struct u64map *m, uint64_t key, uint32_t val)
{
	if ((m->n + 1) * 2 > m->cap) {
		struct u64map bigger;
		u64map_init(&bigger, m->cap);
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				size_t s = slot(&bigger, m->keys[i]);
				bigger.keys[s] = m->keys[i];
				bigger.vals[s] = m->vals[i];
				bigger.n++;
			}
		u64map_free(m);
		*m = bigger;
	}
	size_t i = slot(m, key);
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->vals[i] = val;
		m->n++;
	}
	return m->vals[i];
}
