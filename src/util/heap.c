#include "util/heap.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static double
key_at(const struct heap *h, size_t i)
{
	double k;

	memcpy(&k, h->slots + i * h->slot_size, sizeof(k));
	return k;
}

static void
move_slot(struct heap *h, size_t to, size_t from)
{
	memcpy(h->slots + to * h->slot_size, h->slots + from * h->slot_size,
	    h->slot_size);
}

void
heap_init(struct heap *h, size_t item_size)
{
	memset(h, 0, sizeof(*h));
	h->item_size = item_size;
	h->slot_size = sizeof(double) + item_size;
}

void
heap_finish(struct heap *h)
{
	free(h->slots);
	h->slots = NULL;
	h->n = h->cap = 0;
}

void
heap_push(struct heap *h, double key, const void *item)
{
	size_t i;

	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->slots = xreallocarray(h->slots, h->cap, h->slot_size);
	}
	i = h->n++;
	while (i > 0 && key_at(h, (i - 1) / 2) > key) {
		move_slot(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	memcpy(h->slots + i * h->slot_size, &key, sizeof(key));
	memcpy(h->slots + i * h->slot_size + sizeof(key), item, h->item_size);
}

double
heap_min(const struct heap *h)
{
	return key_at(h, 0);
}

void
heap_pop(struct heap *h, void *item)
{
	size_t i = 0, c, last;
	double key;

	memcpy(item, h->slots + sizeof(double), h->item_size);
	last = --h->n;
	if (last == 0) {
		return;
	}
	/* The last item, left where it is while it sinks from the top:
	 * only slots below it are written. */
	key = key_at(h, last);
	while ((c = 2 * i + 1) < last) {
		if (c + 1 < last && key_at(h, c + 1) < key_at(h, c)) {
			c++;
		}
		if (key_at(h, c) >= key) {
			break;
		}
		move_slot(h, i, c);
		i = c;
	}
	move_slot(h, i, last);
}
