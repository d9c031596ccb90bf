/*
 * histogram.h: bench/histogram.ts in C, for the C load generator
 * (load_worker.c includes it). Durations in whole µs, counted exactly below
 * 128 µs and in 64 bins per power of two above, with the same bin numbers as
 * histogram.ts, and written in its HistogramJson form, so the launcher merges
 * the histograms of C and Deno workers bin by bin.
 */

#ifndef HISTOGRAM_H
#define HISTOGRAM_H

#include <stdbool.h>
#include <stdint.h>

#include "byte_buffer.h"

#define LINEAR_LIMIT_US 128
#define SUB_BITS 6
#define SUB (1 << SUB_BITS)
#define MAX_EXPONENT 40
#define BINS (LINEAR_LIMIT_US + MAX_EXPONENT * SUB)

typedef struct {
  uint64_t bins[BINS];
  uint64_t count;
  int64_t sum_us;
  int64_t min_us;
  int64_t max_us;
} Histogram;

/* Index of the highest set bit of v > 0. */
static int top_bit(uint64_t v) {
#if defined(__GNUC__)
  return 63 - __builtin_clzll(v);
#else
  int n = 0;
  while (v >>= 1) n++;
  return n;
#endif
}

/* Bin index of a whole number of µs: binOf() in histogram.ts, in exact integer arithmetic. */
static int bin_of(uint64_t us) {
  if (us < LINEAR_LIMIT_US) return (int)us;
  int shift = top_bit(us) - SUB_BITS; /* us >> shift lies in [64, 128) */
  int64_t top = (int64_t)(us >> shift);
  int64_t bin = LINEAR_LIMIT_US + (int64_t)(shift - 1) * SUB + (top - SUB);
  return bin < BINS - 1 ? (int)bin : BINS - 1;
}

static void hist_reset(Histogram *h) {
  memset(h, 0, sizeof *h);
  h->min_us = INT64_MAX;
}

/* Records one duration in µs; negative values (clock skew) count as 0. */
static void hist_record_us(Histogram *h, int64_t us) {
  int64_t v = us > 0 ? us : 0;
  h->bins[bin_of((uint64_t)v)]++;
  h->count++;
  h->sum_us += v;
  if (v < h->min_us) h->min_us = v;
  if (v > h->max_us) h->max_us = v;
}

/* Appends the HistogramJson form: {"count","sumUs","minUs","maxUs","bins":[[bin,n],…]}. */
static void hist_json(Buf *out, const Histogram *h) {
  buf_printf(out, "{\"count\":%llu,\"sumUs\":%lld,\"minUs\":%lld,\"maxUs\":%lld,\"bins\":[",
             (unsigned long long)h->count, (long long)h->sum_us,
             (long long)(h->count ? h->min_us : 0), (long long)h->max_us);
  bool first = true;
  for (int i = 0; i < BINS; i++) {
    if (!h->bins[i]) continue;
    buf_printf(out, "%s[%d,%llu]", first ? "" : ",", i, (unsigned long long)h->bins[i]);
    first = false;
  }
  buf_puts(out, "]}");
}

#endif
