/* A binary min-heap of small fixed-size items, each with a key (a time):
 * timers and simulated events. The heap owns its array; heap_finish()
 * frees it. Items are copied in and out. */
#ifndef MAILAUTH_UTIL_HEAP_H
#define MAILAUTH_UTIL_HEAP_H

#include <stddef.h>

struct heap {
	unsigned char *slots;	/* per slot: the key, then the item */
	size_t n, cap;
	size_t item_size, slot_size;
};

void heap_init(struct heap *h, size_t item_size);
void heap_finish(struct heap *h);
void heap_push(struct heap *h, double key, const void *item);
/* The smallest key; the heap must not be empty (h->n > 0). */
double heap_min(const struct heap *h);
/* Removes an item with the smallest key and copies it to item. */
void heap_pop(struct heap *h, void *item);

#endif
