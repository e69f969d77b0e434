/* test_tmr.c: the per-owner timers leave timers in exactly the (t, ord)
 * order of a plain scan over every pending timer, through sets, moves,
 * cancels and pops whose handlers reschedule the popped owner before
 * tmr_settle(), as the engine does. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tmr.h"

static uint64_t next_u64(uint64_t *s) {
  *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
  return *s * 0x2545F4914F6CDD1DULL;
}

enum { OWNERS = 40, IDS = OWNERS * TMR_SUB };

/* The reference: the pending timer of least (t, ord), or -1. */
static int ref_min(const heap_ev *ref, const int *on) {
  int b = -1;
  for (int k = 0; k < IDS; k++)
    if (on[k] && (b < 0 || heap_less(&ref[k], &ref[b])))
      b = k;
  return b;
}

/* One random change at time >= now: set (times on a coarse grid, so equal
 * times are common and ord decides) or cancel. */
static void change(tmr *m, heap_ev *ref, int *on, uint64_t *s, double now, uint64_t *seq,
                   uint32_t id) {
  if (next_u64(s) % 4 == 0) {
    tmr_cancel(m, id);
    on[id] = 0;
    return;
  }
  uint64_t cls = next_u64(s) % 2;
  heap_ev ev = {now + (double)(next_u64(s) % 8) * 0.5, cls << 56 | (*seq)++, 1 + id % TMR_SUB, id};
  tmr_set(m, id, ev);
  ref[id] = ev, on[id] = 1;
}

static void lockstep(uint64_t seed) {
  uint64_t s = seed, seq = 0, popped = 0;
  tmr m;
  heap_ev ref[IDS];
  int on[IDS] = {0};
  assert_int_equal(tmr_init(&m, IDS), 0);
  double now = 0;
  for (int step = 0; step < 20000; step++) {
    for (uint64_t k = next_u64(&s) % 3; k > 0; k--)
      change(&m, ref, on, &s, now, &seq, (uint32_t)(next_u64(&s) % IDS));
    for (int k = 0; k < IDS; k++)
      assert_int_equal(tmr_pending(&m, (uint32_t)k), on[k]);
    int b = ref_min(ref, on);
    assert_int_equal(m.n == 0, b < 0);
    if (b < 0)
      continue;
    heap_ev top = tmr_top(&m), ev;
    assert_true(top.t == ref[b].t);
    assert_true(top.ord == ref[b].ord);
    tmr_pop(&m, &ev);
    assert_true(ev.t == ref[b].t);
    assert_true(ev.ord == ref[b].ord);
    assert_int_equal(ev.arg, b);
    on[b] = 0;
    now = ev.t;
    popped++;
    /* the handler: changes to the popped owner (open) and to others */
    uint32_t o = (uint32_t)b / TMR_SUB;
    for (uint64_t k = next_u64(&s) % 4; k > 0; k--) {
      uint32_t id = next_u64(&s) % 2 ? o * TMR_SUB + (uint32_t)(next_u64(&s) % TMR_SUB)
                                     : (uint32_t)(next_u64(&s) % IDS);
      change(&m, ref, on, &s, now, &seq, id);
    }
    tmr_settle(&m);
  }
  assert_true(popped > 5000);
  tmr_destroy(&m);
}

static void test_same_order_as_scan(void **state) {
  (void)state;
  for (uint64_t seed = 1; seed <= 20; seed++)
    lockstep(seed);
}

/* Hand-made: one owner's three slots, the earliest first; moving a later
 * slot leaves the order alone; equal times go by ord. */
static void test_slots_of_one_owner(void **state) {
  (void)state;
  tmr m;
  assert_int_equal(tmr_init(&m, 2 * TMR_SUB), 0);
  tmr_set(&m, 0, (heap_ev){2.0, 5, 0, 0});
  tmr_set(&m, 1, (heap_ev){1.0, 6, 0, 1});
  tmr_set(&m, 2, (heap_ev){1.0, 4, 0, 2});
  tmr_set(&m, 3, (heap_ev){1.5, 7, 0, 3});
  tmr_set(&m, 0, (heap_ev){3.0, 8, 0, 0}); /* a later slot moves later */
  tmr_cancel(&m, 4);                       /* not pending: nothing */
  uint32_t want[] = {2, 1, 3, 0};
  for (int k = 0; k < 4; k++) {
    heap_ev ev;
    tmr_pop(&m, &ev);
    assert_int_equal(ev.arg, want[k]);
    tmr_settle(&m);
  }
  assert_int_equal(m.n, 0);
  tmr_destroy(&m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_order_as_scan),
      cmocka_unit_test(test_slots_of_one_owner),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
