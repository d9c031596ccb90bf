/*
 * load_worker.c: the bench's load generator in C, a drop-in replacement for
 * bench/load_worker.ts (`deno task bench --generator c`).
 *
 * One process, one thread, one epoll loop, nonblocking sockets, libc only. It
 * holds many client connections to a Parley or IRC server, sends numbered
 * messages and checks every delivery (no loss, no duplicates, per-sender
 * order) without decoding JSON on the hot path, exactly as the Deno worker
 * does, so that the launcher (bench/main.ts) cannot tell the two apart except
 * by their own cost.
 *
 * Sources this file follows (read them before changing it):
 * - bench/worker_command.ts: the line protocol. Commands arrive on stdin, one
 *   JSON object per line (`connect`, `run` with mode bounded/next/open/rate,
 *   `drain`, `stats`, `close`); events go to stdout, one JSON object per line
 *   (`ready`, `connected`, `ran`, `drained`, `stats`, `error`). Commands run
 *   one after another; the sockets are served all the time, also between
 *   commands. The worker exits on `close` or at the end of stdin.
 * - bench/load_worker.ts: handshakes (Parley `hello` until `welcome`; IRC
 *   NICK/USER, JOIN after 001, ready at 366), the send modes and their
 *   windows, the delivery check and its error texts, disconnect counting.
 * - bench/message_template.ts: the 100-byte message text
 *   `S<sender:6>.<seq:10>.<send time:16 µs since the epoch>xxx…`, the Parley
 *   `msg` frame and IRC `PRIVMSG` (+ `PING :a`) templates. Send and receipt
 *   times are wall-clock µs (CLOCK_REALTIME), the clock nowMicros() reads, so
 *   Deno and C workers can be mixed in one run.
 * - bench/histogram.ts: the histogram bins (exact below 128 µs, then 64 bins
 *   per power of two) and the HistogramJson form of `latency`,
 *   `localLatency` and `loopLag`, so the launcher merges C and Deno
 *   histograms bin by bin. `loopLag` is the lateness of a 10 ms timer chain
 *   (timerfd, TFD_TIMER_ABSTIME) driven by this loop, as the Deno worker
 *   measures its setTimeout chain.
 *
 * The generic parts are in headers next to this file, included here (one
 * translation unit, so one `cc` command builds it): byte_buffer.h,
 * histogram.h (histogram.ts in C) and worker_command.h (event output and
 * the command parser).
 *
 * Build: cc -O2 -Wall -Wextra -o load_worker bench/c_worker/load_worker.c
 * (bench/worker_pool.ts does this once per bench run).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "byte_buffer.h"
#include "histogram.h"
#include "worker_command.h"

/* ---- message layout (message_template.ts) ---- */

enum {
  TEXT_BYTES = 100, /* bytes of message text, every message */
  TEXT_SENDER = 1,  /* offset of the 6-digit sender id */
  TEXT_SEQ = 8,     /* offset of the 10-digit sequence number */
  TEXT_TIME = 19,   /* offset of the 16-digit send time, µs since the epoch */
};

/* Period of the timer that measures the worker's own loop lag, ns. */
#define LAG_TICK_NS 10000000LL
/* Messages an open-loop sender writes per batch. */
#define OPEN_LOOP_BATCH 16
/* How long a client may take to join, ns (load_worker.ts: 150 s). */
#define HANDSHAKE_TIMEOUT_NS 150000000000LL
/* Largest Parley frame accepted; a larger declared length closes the client. */
#define MAX_FRAME_BYTES (64u << 20)
/* Longest command line accepted on stdin. */
#define MAX_LINE_BYTES (16u << 20)
/* Epoll events handled per wait, so timers are looked at in between. */
#define MAX_EVENTS 256

#define CH_S 0x53
#define CH_COLON 0x3a

/* ---- clocks ---- */

/* Monotonic ns, for timers and elapsed times. */
static int64_t mono_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* µs since the epoch on the system clock, rounded (nowMicros() in message_template.ts). */
static int64_t now_micros(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (int64_t)t.tv_sec * 1000000LL + (t.tv_nsec + 500) / 1000;
}

/* ---- worker state ---- */

typedef enum { PROTO_PARLEY, PROTO_IRC } Protocol;
typedef enum { MODE_BOUNDED, MODE_NEXT, MODE_OPEN, MODE_RATE } Mode;
typedef enum { READY_PENDING, READY_RESOLVED, READY_REJECTED } ReadyState;
typedef enum { PHASE_IDLE, PHASE_CONNECT, PHASE_RUN, PHASE_DRAIN } Phase;

typedef struct Client {
  int id;
  char nick[16];
  int fd;              /* -1 once closed */
  size_t index;        /* in worker.clients; epoll data is index + 2 */
  bool tcp_connected;  /* the TCP connect succeeded: one of the worker's clients */
  bool closed;         /* closed by the server or by close() */
  bool write_failed;   /* a write failed: nothing more is written */
  bool want_out;       /* EPOLLOUT is registered */
  bool queued;         /* waiting in the pump queue */
  bool settled;        /* this client's part of a `connect` is answered */
  ReadyState ready;
  unsigned char *buf;  /* read buffer */
  size_t end;
  size_t cap;
  int32_t *last;       /* last seq seen per sender id (lazily allocated, `total` entries) */
  int64_t sent;        /* messages sent (the next seq is sent + 1) */
  int64_t acked;
  int64_t owed;        /* messages waiting for the writer in bounded/next/rate mode */
  Buf out;             /* bytes not yet written, from out_at */
  size_t out_at;
  struct Client *observer; /* next mode: whose receipt of this sender's messages opens its window */
  int64_t rate_due;    /* rate mode: next tick, mono ns */
} Client;

typedef struct {
  unsigned char *bytes;
  size_t len;
  size_t text; /* offset of the text */
  long ref;    /* offset of the 10-digit Parley ref, or -1 */
} Template;

static struct {
  int epoll;
  int timer;
  int64_t timer_armed; /* deadline the timerfd is set to, -1 when disarmed */
  Protocol protocol;
  char *channel;
  int64_t total;
  Client **clients;
  size_t n_clients;
  Client **by_id;
  size_t by_id_len;
  bool *local_sender; /* indexed by sender id, `total` entries */
  size_t local_sender_len;
  Template tpl;
  uint64_t received;
  uint64_t order_errors;
  uint64_t disconnects;
  char first_error[512];
  Mode mode;
  int64_t window;
  bool running;
  Histogram latency;
  Histogram local_latency;
  Histogram loop_lag;
  bool lag_active;
  int64_t lag_due;
  int64_t read_at; /* receipt time of the data being parsed, µs (one reading per read) */
  Client **queue;  /* clients whose writer should look at their window */
  size_t queue_len;
  size_t queue_cap;
  Phase phase;
  /* connect */
  int64_t connect_started;
  size_t connect_pending;
  size_t connect_failed;
  char connect_error[512];
  size_t connect_first, connect_last; /* clients[first..last) belong to this connect */
  /* run */
  int64_t run_started;
  int64_t run_end;
  uint64_t run_received0;
  struct rusage run_cpu0;
  Client **senders;
  size_t n_senders;
  int64_t rate_period;
  size_t rate_next;
  /* drain */
  int64_t drain_started;
  int64_t drain_last_change;
  uint64_t drain_last;
  int64_t drain_expected;
  int64_t drain_idle_ns;
  int64_t drain_deadline_ns;
  /* stdin */
  Buf in;
  bool in_eof;
} W;

static void record_error(const char *fmt, ...) PRINTF_LIKE(1, 2);
static void record_error(const char *fmt, ...) {
  if (W.first_error[0]) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(W.first_error, sizeof W.first_error, fmt, ap);
  va_end(ap);
}

/* Deno's error text for an OS error: "Connection refused (os error 111)". */
static const char *os_error(int e, char *dst, size_t cap) {
  snprintf(dst, cap, "%s (os error %d)", strerror(e), e);
  return dst;
}

static void epoll_set(Client *c, uint32_t events) {
  struct epoll_event ev = {.events = events, .data.u64 = c->index + 2};
  epoll_ctl(W.epoll, EPOLL_CTL_MOD, c->fd, &ev);
}

static void close_fd(Client *c) {
  if (c->fd < 0) return;
  close(c->fd); /* also leaves the epoll set */
  c->fd = -1;
  c->want_out = false;
  c->out.len = c->out_at = 0;
}

static void queue_pump(Client *c) {
  if (c->queued) return;
  if (W.queue_len == W.queue_cap) {
    W.queue_cap = W.queue_cap ? W.queue_cap * 2 : 64;
    W.queue = xrealloc(W.queue, W.queue_cap * sizeof *W.queue);
  }
  c->queued = true;
  W.queue[W.queue_len++] = c;
}

/* The join of `c` ended: ready (ok) or failed with `reason`. Settles its part of `connect`. */
static void settle(Client *c, bool ok, const char *reason) {
  if (c->ready != READY_PENDING) return;
  c->ready = ok ? READY_RESOLVED : READY_REJECTED;
  if (W.phase != PHASE_CONNECT || c->settled) return;
  c->settled = true;
  W.connect_pending--;
  if (!ok) {
    W.connect_failed++;
    if (!W.connect_error[0]) {
      snprintf(W.connect_error, sizeof W.connect_error, "client %d: %s", c->id, reason);
    }
  }
}

/* A TCP connect that failed: the client never joins the worker's clients. */
static void connect_failed(Client *c, int e) {
  char msg[160];
  os_error(e, msg, sizeof msg);
  close_fd(c);
  c->closed = true;
  settle(c, false, msg);
}

/* The server closed the connection, or reading failed with errno `e` (0 for EOF). */
static void on_disconnect(Client *c, int e) {
  if (c->closed) return;
  if (e) {
    char msg[160];
    record_error("%s read failed: %s", c->nick, os_error(e, msg, sizeof msg));
  }
  c->closed = true;
  W.disconnects++;
  record_error("%s was disconnected by the server", c->nick);
  settle(c, false, "disconnected during handshake");
  close_fd(c);
}

/* A write failed with errno e: said as load_worker.ts says it (its pong/JOIN writes say nothing). */
static void on_write_error(Client *c, int e) {
  char msg[160];
  os_error(e, msg, sizeof msg);
  c->write_failed = true;
  c->out.len = c->out_at = 0;
  if (c->ready == READY_PENDING) {
    settle(c, false, msg);
  } else if (W.running && c->id < (int64_t)W.local_sender_len && W.local_sender[c->id]) {
    record_error("%s from %s failed: %s", W.mode == MODE_OPEN ? "flood" : "send", c->nick, msg);
  }
  if (c->want_out) {
    c->want_out = false;
    epoll_set(c, EPOLLIN);
  }
}

/* Writes what `c` has buffered as far as the socket takes it; true when all of it went. */
static bool flush(Client *c) {
  while (c->out_at < c->out.len) {
    ssize_t n = send(c->fd, c->out.data + c->out_at, c->out.len - c->out_at, MSG_NOSIGNAL);
    if (n > 0) {
      c->out_at += (size_t)n;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!c->want_out) {
        c->want_out = true;
        epoll_set(c, EPOLLIN | EPOLLOUT);
      }
      return false;
    }
    on_write_error(c, n < 0 ? errno : EPIPE);
    return false;
  }
  c->out.len = c->out_at = 0;
  if (c->want_out) {
    c->want_out = false;
    epoll_set(c, EPOLLIN);
  }
  return true;
}

/* Queues bytes for `c` and writes them now if nothing is waiting before them. */
static void client_write(Client *c, const void *bytes, size_t n) {
  if (c->closed || c->write_failed || c->fd < 0) return;
  bool idle = c->out_at == c->out.len;
  if (idle) c->out.len = c->out_at = 0;
  buf_put(&c->out, bytes, n);
  if (idle) flush(c);
}

/* Appends a Parley frame: `json` after its 4-byte big-endian length. */
static void client_write_frame(Client *c, const char *json) {
  size_t n = strlen(json);
  unsigned char head[4] = {(unsigned char)(n >> 24), (unsigned char)(n >> 16),
                           (unsigned char)(n >> 8), (unsigned char)n};
  if (c->closed || c->write_failed || c->fd < 0) return;
  bool idle = c->out_at == c->out.len;
  if (idle) c->out.len = c->out_at = 0;
  buf_put(&c->out, head, 4);
  buf_put(&c->out, json, n);
  if (idle) flush(c);
}

/* ---- templates and digits (message_template.ts) ---- */

static int64_t read_digits(const unsigned char *p, int width) {
  int64_t v = 0;
  for (int i = 0; i < width; i++) v = v * 10 + ((int64_t)p[i] - 48);
  return v;
}

static void write_digits(unsigned char *p, int width, uint64_t v) {
  for (int i = width - 1; i >= 0; i--) {
    p[i] = (unsigned char)('0' + v % 10);
    v /= 10;
  }
}

static void message_text(char *dst) {
  static const char head[] = "S000000.0000000000.0000000000000000";
  memcpy(dst, head, sizeof head - 1);
  memset(dst + sizeof head - 1, 'x', TEXT_BYTES - (sizeof head - 1));
  dst[TEXT_BYTES] = 0;
}

/* The Parley `msg` frame with a patchable `ref`, or the IRC PRIVMSG line (+ PING :a). */
static void build_template(Template *t, bool with_ping) {
  char text[TEXT_BYTES + 1];
  message_text(text);
  free(t->bytes);
  Buf b = {0};
  if (W.protocol == PROTO_PARLEY) {
    Buf json = {0};
    buf_printf(&json, "{\"type\":\"msg\",\"ref\":1000000000,\"text\":\"%s\"}", text);
    size_t n = json.len;
    unsigned char head[4] = {(unsigned char)(n >> 24), (unsigned char)(n >> 16),
                             (unsigned char)(n >> 8), (unsigned char)n};
    buf_put(&b, head, 4);
    buf_put(&b, json.data, json.len);
    t->text = (size_t)((char *)memmem(b.data, b.len, "\"text\":\"", 8) - (char *)b.data) + 8;
    t->ref = (long)((char *)memmem(b.data, b.len, "1000000000", 10) - (char *)b.data);
    free(json.data);
  } else {
    buf_printf(&b, "PRIVMSG %s :", W.channel);
    t->text = b.len;
    buf_printf(&b, "%s\r\n%s", text, with_ping ? "PING :a\r\n" : "");
    t->ref = -1;
  }
  t->bytes = b.data;
  t->len = b.len;
}

/* Stamps the next message of `s` at `at` (a copy of the template). */
static void stamp(Client *s, unsigned char *at) {
  const Template *t = &W.tpl;
  memcpy(at, t->bytes, t->len);
  uint64_t seq = (uint64_t)++s->sent;
  write_digits(at + t->text + TEXT_SENDER, 6, (uint64_t)s->id);
  write_digits(at + t->text + TEXT_SEQ, 10, seq);
  write_digits(at + t->text + TEXT_TIME, 16, (uint64_t)now_micros());
  if (t->ref >= 0) write_digits(at + t->ref, 10, 1000000000ull + seq);
}

/* Stamps `n` messages of `s` into its output and writes them (one write for the batch). */
static void send_batch(Client *s, int64_t n) {
  bool idle = s->out_at == s->out.len;
  if (idle) s->out.len = s->out_at = 0;
  buf_reserve(&s->out, (size_t)n * W.tpl.len);
  for (int64_t i = 0; i < n; i++) {
    stamp(s, s->out.data + s->out.len);
    s->out.len += W.tpl.len;
  }
  if (idle) flush(s);
}

/*
 * The writer of `s`: while nothing is waiting to be written, bounded/next/rate
 * mode writes the messages it owes in one batch; open mode writes batches of
 * 16 until `window` (at least 16) messages are unacknowledged.
 */
static void pump(Client *s) {
  if (s->closed || s->write_failed || s->fd < 0 || !W.running) return;
  if (W.mode == MODE_OPEN) {
    int64_t cap = W.window > OPEN_LOOP_BATCH ? W.window : OPEN_LOOP_BATCH;
    /* Each pass adds 16 to `sent` and acks only arrive from the loop: bounded by cap / 16. */
    while (!s->closed && !s->write_failed && s->out_at == s->out.len &&
           s->sent - s->acked <= cap - OPEN_LOOP_BATCH) {
      send_batch(s, OPEN_LOOP_BATCH);
    }
    return;
  }
  while (s->owed > 0 && !s->closed && !s->write_failed && s->out_at == s->out.len) {
    int64_t n = s->owed;
    s->owed = 0;
    send_batch(s, n);
  }
}

static void flush_pumps(void) {
  /* A pump queues nothing, so one pass empties the queue. */
  for (size_t i = 0; i < W.queue_len; i++) {
    Client *c = W.queue[i];
    c->queued = false;
    pump(c);
  }
  W.queue_len = 0;
}

/* ---- receiving ---- */

static void on_ack(Client *s) {
  s->acked++;
  if (!W.running) return;
  if (W.mode == MODE_BOUNDED) s->owed++;
  if (W.mode == MODE_BOUNDED || W.mode == MODE_OPEN) queue_pump(s);
}

static Client *client_by_id(int64_t id) {
  return id >= 0 && (size_t)id < W.by_id_len ? W.by_id[id] : NULL;
}

/* A delivery to `r` whose text starts at `text`. */
static void on_delivery(Client *r, const unsigned char *text) {
  int64_t sender = read_digits(text + TEXT_SENDER, 6);
  int64_t seq = read_digits(text + TEXT_SEQ, 10);
  int64_t us = W.read_at - read_digits(text + TEXT_TIME, 16);
  W.received++;
  hist_record_us(&W.latency, us);
  if (sender < 0 || sender >= W.total) {
    W.order_errors++;
    record_error("%s got seq %lld from b%lld, which is not a client of this run", r->nick,
                 (long long)seq, (long long)sender);
    return;
  }
  if (!r->last) r->last = xcalloc((size_t)W.total, sizeof *r->last);
  int64_t expected = (int64_t)r->last[sender] + 1;
  if (seq != expected) {
    W.order_errors++;
    if (seq < expected) {
      record_error("%s got seq %lld from b%lld again or out of order (expected %lld)", r->nick,
                   (long long)seq, (long long)sender, (long long)expected);
    } else {
      record_error("%s missed seq %lld..%lld from b%lld", r->nick, (long long)expected,
                   (long long)(seq - 1), (long long)sender);
    }
  }
  if (seq > r->last[sender]) r->last[sender] = (int32_t)seq;
  if ((size_t)sender < W.local_sender_len && W.local_sender[sender]) {
    hist_record_us(&W.local_latency, us);
    if (W.mode == MODE_NEXT && W.running) {
      Client *s = client_by_id(sender);
      if (s && s->observer == r) {
        s->owed++;
        queue_pump(s);
      }
    }
  }
}

/* Copies the raw `token` value of a Parley ping (a uint) into dst; false when absent. */
static bool ping_token(const unsigned char *p, size_t len, char *dst, size_t cap) {
  const unsigned char *k = memmem(p, len, "\"token\":", 8);
  if (!k) return false;
  const unsigned char *v = k + 8, *end = p + len;
  while (v < end && *v == ' ') v++;
  size_t n = 0;
  while (v + n < end && n + 1 < cap &&
         (strchr("0123456789.eE+-", v[n]) != NULL && v[n] != 0)) {
    n++;
  }
  if (n == 0) return false;
  memcpy(dst, v, n);
  dst[n] = 0;
  return true;
}

/* Handles every complete frame in c->buf; returns the bytes consumed. */
static size_t parley_frames(Client *c) {
  unsigned char *b = c->buf;
  size_t at = 0;
  while (c->end - at >= 4 && !c->closed) {
    uint32_t len = (uint32_t)b[at] << 24 | (uint32_t)b[at + 1] << 16 | (uint32_t)b[at + 2] << 8 |
                   (uint32_t)b[at + 3];
    if (c->end - at - 4 < len) {
      if (len > MAX_FRAME_BYTES) {
        record_error("%s got a frame of %u bytes, more than %u", c->nick, len, MAX_FRAME_BYTES);
        on_disconnect(c, 0);
        return 0;
      }
      if (4 + (size_t)len > c->cap) {
        memmove(b, b + at, c->end - at);
        c->end -= at;
        c->cap = 4 + (size_t)len;
        c->buf = xrealloc(c->buf, c->cap);
        return 0;
      }
      break;
    }
    size_t p = at + 4;
    /* `{"type":"` is 9 bytes; the next byte tells the kinds apart. */
    unsigned char kind = len > 10 ? b[p + 9] : 0;
    if (kind == 'm' && len >= 2 + TEXT_BYTES && b[p + len - 2 - TEXT_BYTES] == CH_S) {
      on_delivery(c, b + p + len - 2 - TEXT_BYTES);
    } else if (kind == 'a') {
      on_ack(c);
    } else if (kind == 'w') {
      settle(c, true, NULL);
    } else if (kind == 'p' && b[p + 10] == 'i') {
      char token[32];
      char pong[64];
      if (ping_token(b + p, len, token, sizeof token)) {
        snprintf(pong, sizeof pong, "{\"type\":\"pong\",\"token\":%s}", token);
      } else {
        snprintf(pong, sizeof pong, "{\"type\":\"pong\"}");
      }
      client_write_frame(c, pong);
    } else if (kind == 'e') {
      Buf text = {0};
      buf_put(&text, b + p, len);
      buf_put(&text, "", 1);
      record_error("%s got %s", c->nick, (char *)text.data);
      settle(c, false, (char *)text.data);
      free(text.data);
    }
    at = p + len;
  }
  return at;
}

static bool word_is(const unsigned char *w, size_t n, const char *s) {
  return strlen(s) == n && memcmp(w, s, n) == 0;
}

/* A control line of IRC (not a delivery). */
static void irc_control(Client *c, const unsigned char *line, size_t n) {
  /* The command is the first word, or the second after a `:prefix`; words split on ' '. */
  const unsigned char *w = line, *end = line + n;
  if (n > 0 && line[0] == ':') {
    const unsigned char *sp = memchr(line, ' ', n);
    if (!sp) return;
    w = sp + 1;
  }
  const unsigned char *we = memchr(w, ' ', (size_t)(end - w));
  size_t wn = (size_t)((we ? we : end) - w);
  if (word_is(w, wn, "PING")) {
    const unsigned char *ping = memmem(line, n, "PING", 4);
    size_t from = (size_t)(ping - line) + 5;
    Buf reply = {0};
    buf_puts(&reply, "PONG ");
    if (from < n) buf_put(&reply, line + from, n - from);
    buf_puts(&reply, "\r\n");
    client_write(c, reply.data, reply.len);
    free(reply.data);
  } else if (word_is(w, wn, "PONG")) {
    on_ack(c);
  } else if (word_is(w, wn, "001")) {
    Buf join = {0};
    buf_printf(&join, "JOIN %s\r\n", W.channel);
    client_write(c, join.data, join.len);
    free(join.data);
  } else if (word_is(w, wn, "366")) {
    settle(c, true, NULL);
  } else if (word_is(w, wn, "ERROR") || word_is(w, wn, "432") || word_is(w, wn, "433") ||
             word_is(w, wn, "451") || word_is(w, wn, "471") || word_is(w, wn, "473") ||
             word_is(w, wn, "404")) {
    Buf text = {0};
    buf_put(&text, line, n);
    buf_put(&text, "", 1);
    for (size_t i = 0; i + 1 < text.len; i++) {
      if (!text.data[i]) text.data[i] = '?';
    }
    record_error("%s got %s", c->nick, (char *)text.data);
    settle(c, false, (char *)text.data);
    free(text.data);
  }
}

/* Handles every complete IRC line in c->buf; returns the bytes consumed. */
static size_t irc_lines(Client *c) {
  unsigned char *b = c->buf;
  size_t start = 0;
  while (start < c->end && !c->closed) {
    unsigned char *lf = memchr(b + start, '\n', c->end - start);
    if (!lf) break;
    size_t i = (size_t)(lf - b);
    size_t end = i > start && b[i - 1] == '\r' ? i - 1 : i;
    if (end >= start + TEXT_BYTES + 1 && b[end - TEXT_BYTES] == CH_S &&
        b[end - TEXT_BYTES - 1] == CH_COLON) {
      on_delivery(c, b + end - TEXT_BYTES);
    } else {
      irc_control(c, b + start, end - start);
    }
    start = i + 1;
  }
  return start;
}

/* One read from `c`, then every complete frame or line in its buffer. */
static void on_readable(Client *c) {
  if (c->end == c->cap) {
    c->cap *= 2;
    c->buf = xrealloc(c->buf, c->cap);
  }
  ssize_t n = recv(c->fd, c->buf + c->end, c->cap - c->end, 0);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    on_disconnect(c, errno);
    return;
  }
  if (n == 0) {
    on_disconnect(c, 0);
    return;
  }
  W.read_at = now_micros();
  c->end += (size_t)n;
  size_t used = W.protocol == PROTO_PARLEY ? parley_frames(c) : irc_lines(c);
  if (used > 0) {
    memmove(c->buf, c->buf + used, c->end - used);
    c->end -= used;
  }
}

/* The nonblocking TCP connect of `c` finished. */
static void on_connected(Client *c) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
  if (err) {
    connect_failed(c, err);
    return;
  }
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  c->tcp_connected = true;
  epoll_set(c, EPOLLIN);
  if (W.protocol == PROTO_PARLEY) {
    char hello[128];
    snprintf(hello, sizeof hello,
             "{\"type\":\"hello\",\"version\":1,\"nick\":\"%s\",\"client\":\"bench\"}", c->nick);
    client_write_frame(c, hello);
  } else {
    char hello[96];
    int n = snprintf(hello, sizeof hello, "NICK %s\r\nUSER %s 0 * :bench\r\n", c->nick, c->nick);
    client_write(c, hello, (size_t)n);
  }
}

static void on_client_event(Client *c, uint32_t events) {
  if (c->fd < 0) return;
  if (!c->tcp_connected) {
    if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) on_connected(c);
    return;
  }
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(c);
  if (c->fd >= 0 && (events & EPOLLOUT) && c->want_out) {
    if (flush(c)) queue_pump(c);
  }
}

/* ---- commands ---- */

static double cpu_ms(const struct timeval *t) {
  return (double)t->tv_sec * 1000.0 + (double)t->tv_usec / 1000.0;
}

static void do_connect(Command *cmd) {
  if ((cmd->has & (HAS_PROTOCOL | HAS_HOST | HAS_PORT | HAS_IDS | HAS_TOTAL | HAS_READ_BYTES |
                   HAS_CHANNEL)) !=
      (HAS_PROTOCOL | HAS_HOST | HAS_PORT | HAS_IDS | HAS_TOTAL | HAS_READ_BYTES | HAS_CHANNEL)) {
    emit_error("Cannot connect: the command needs protocol, host, port, ids, total, readBytes "
               "and channel");
    return;
  }
  if (strcmp(cmd->protocol, "parley") && strcmp(cmd->protocol, "irc")) {
    emit_error("Cannot connect: protocol must be \"parley\" or \"irc\"");
    return;
  }
  if (cmd->total < 0 || cmd->total > 100000000) {
    emit_error("Cannot connect: total is out of range");
    return;
  }
  W.protocol = strcmp(cmd->protocol, "parley") == 0 ? PROTO_PARLEY : PROTO_IRC;
  free(W.channel);
  W.channel = strdup(cmd->channel);
  if (!W.channel) die_oom();
  W.total = (int64_t)cmd->total;
  size_t read_bytes = cmd->read_bytes >= 64 ? (size_t)cmd->read_bytes : 64;
  W.connect_started = mono_ns();
  W.connect_failed = 0;
  W.connect_error[0] = 0;
  W.connect_pending = 0;
  W.connect_first = W.n_clients;
  W.phase = PHASE_CONNECT;

  int64_t max_id = -1;
  for (size_t i = 0; i < cmd->ids.n; i++) {
    if (cmd->ids.v[i] > max_id) max_id = cmd->ids.v[i];
  }
  if (max_id >= 0 && (size_t)max_id >= W.by_id_len) {
    W.by_id = xrealloc(W.by_id, (size_t)(max_id + 1) * sizeof *W.by_id);
    memset(W.by_id + W.by_id_len, 0, ((size_t)max_id + 1 - W.by_id_len) * sizeof *W.by_id);
    W.by_id_len = (size_t)max_id + 1;
  }
  W.clients = xrealloc(W.clients, (W.n_clients + cmd->ids.n) * sizeof *W.clients);

  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
  struct addrinfo *addrs = NULL;
  int gai = getaddrinfo(cmd->host, NULL, &hints, &addrs);

  for (size_t i = 0; i < cmd->ids.n; i++) {
    Client *c = xcalloc(1, sizeof *c);
    c->id = (int)cmd->ids.v[i];
    snprintf(c->nick, sizeof c->nick, "b%d", c->id);
    c->fd = -1;
    c->index = W.n_clients;
    c->ready = READY_PENDING;
    W.clients[W.n_clients++] = c;
    W.connect_pending++;
    if (gai != 0) {
      c->closed = true;
      settle(c, false, gai_strerror(gai));
      continue;
    }
    int port = (int)cmd->port;
    if ((cmd->has & HAS_PORTS) && cmd->ports.n > 0) {
      port = (int)cmd->ports.v[(size_t)c->id % cmd->ports.n];
    }
    struct sockaddr_storage sa;
    memcpy(&sa, addrs->ai_addr, addrs->ai_addrlen);
    if (addrs->ai_family == AF_INET) {
      ((struct sockaddr_in *)&sa)->sin_port = htons((uint16_t)port);
    } else {
      ((struct sockaddr_in6 *)&sa)->sin6_port = htons((uint16_t)port);
    }
    c->fd = socket(addrs->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
      connect_failed(c, errno);
      continue;
    }
    c->cap = read_bytes;
    c->buf = xrealloc(NULL, c->cap);
    struct epoll_event ev = {.events = EPOLLOUT, .data.u64 = c->index + 2};
    if (epoll_ctl(W.epoll, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
      connect_failed(c, errno);
      continue;
    }
    if (connect(c->fd, (struct sockaddr *)&sa, addrs->ai_addrlen) == 0) {
      on_connected(c);
    } else if (errno != EINPROGRESS) {
      connect_failed(c, errno);
    }
  }
  W.connect_last = W.n_clients;
  if (addrs) freeaddrinfo(addrs);
  /* Clients whose TCP connect succeeds are the worker's clients, by id. */
  for (size_t i = W.connect_first; i < W.connect_last; i++) {
    Client *c = W.clients[i];
    if (c->fd >= 0 || c->tcp_connected) W.by_id[c->id] = c;
  }
}

/* Answers `connect` once every client of it has joined or failed. */
static void check_connect(int64_t now) {
  if (now - W.connect_started >= HANDSHAKE_TIMEOUT_NS) {
    for (size_t i = W.connect_first; i < W.connect_last; i++) {
      Client *c = W.clients[i];
      if (!c->tcp_connected && c->fd >= 0) {
        /* Still connecting: give up on the socket as Deno.connect would. */
        close_fd(c);
        c->closed = true;
      }
      settle(c, false, "handshake timed out after 150 s");
    }
  }
  if (W.connect_pending > 0) return;
  for (size_t i = W.connect_first; i < W.connect_last; i++) {
    Client *c = W.clients[i];
    if (!c->tcp_connected) W.by_id[c->id] = NULL;
  }
  Buf line = {0};
  buf_printf(&line, "{\"event\":\"connected\",\"ms\":%.3f,\"failed\":%zu,\"firstError\":",
             (double)(mono_ns() - W.connect_started) / 1e6, W.connect_failed);
  json_string(&line, W.connect_error, strlen(W.connect_error));
  buf_puts(&line, "}");
  W.phase = PHASE_IDLE;
  emit(&line);
  free(line.data);
}

static int cmp_client_id(const void *a, const void *b) {
  const Client *x = *(Client *const *)a, *y = *(Client *const *)b;
  return (x->id > y->id) - (x->id < y->id);
}

static void do_run(Command *cmd) {
  if ((cmd->has & (HAS_MODE | HAS_SENDERS | HAS_DURATION)) !=
      (HAS_MODE | HAS_SENDERS | HAS_DURATION)) {
    emit_error("Cannot run: the command needs mode, senders and durationMs");
    return;
  }
  Mode mode;
  if (!strcmp(cmd->mode, "bounded")) mode = MODE_BOUNDED;
  else if (!strcmp(cmd->mode, "next")) mode = MODE_NEXT;
  else if (!strcmp(cmd->mode, "open")) mode = MODE_OPEN;
  else if (!strcmp(cmd->mode, "rate")) mode = MODE_RATE;
  else {
    emit_error("Cannot run: mode must be bounded, next, open or rate");
    return;
  }
  double rate = (cmd->has & HAS_RATE) ? cmd->rate : 0;
  if (mode == MODE_RATE && !(rate > 0)) {
    emit_error("Cannot run at rate 0: rate mode needs a positive rate (messages/s per sender)");
    return;
  }
  size_t n_tcp = 0;
  for (size_t i = 0; i < W.n_clients; i++) n_tcp += W.clients[i]->tcp_connected;
  if (mode == MODE_NEXT && cmd->senders.n > 0 && n_tcp < 2) {
    emit_error("Cannot run the next-member window: a worker needs at least 2 clients");
    return;
  }
  W.mode = mode;
  W.window = (cmd->has & HAS_WINDOW) ? (int64_t)cmd->window : 4;
  free(W.local_sender);
  W.local_sender_len = W.total > 0 ? (size_t)W.total : 0;
  W.local_sender = xcalloc(W.local_sender_len, sizeof *W.local_sender);
  for (size_t i = 0; i < cmd->senders.n; i++) {
    if ((size_t)cmd->senders.v[i] < W.local_sender_len) W.local_sender[cmd->senders.v[i]] = true;
  }
  build_template(&W.tpl, mode != MODE_NEXT);
  if (mode == MODE_NEXT) {
    Client **sorted = xcalloc(n_tcp, sizeof *sorted);
    size_t k = 0;
    for (size_t i = 0; i < W.n_clients; i++) {
      if (W.clients[i]->tcp_connected) sorted[k++] = W.clients[i];
    }
    qsort(sorted, k, sizeof *sorted, cmp_client_id);
    for (size_t i = 0; i < k; i++) sorted[i]->observer = sorted[(i + 1) % k];
    free(sorted);
  }
  hist_reset(&W.latency);
  hist_reset(&W.local_latency);
  hist_reset(&W.loop_lag);
  int64_t now = mono_ns();
  W.lag_active = true;
  W.lag_due = now + LAG_TICK_NS;
  getrusage(RUSAGE_SELF, &W.run_cpu0);
  W.run_received0 = W.received;
  W.run_started = now;
  W.run_end = now + (int64_t)(cmd->duration_ms * 1e6);
  W.running = true;
  W.phase = PHASE_RUN;

  /* Senders this worker holds, by id, once each. */
  free(W.senders);
  W.senders = xcalloc(cmd->senders.n, sizeof *W.senders);
  W.n_senders = 0;
  for (size_t i = 0; i < cmd->senders.n; i++) {
    Client *s = client_by_id(cmd->senders.v[i]);
    if (!s) continue;
    bool seen = false;
    for (size_t j = 0; j < W.n_senders && !seen; j++) seen = W.senders[j] == s;
    if (!seen) W.senders[W.n_senders++] = s;
  }
  if (mode == MODE_BOUNDED || mode == MODE_NEXT) {
    for (size_t i = 0; i < W.n_senders; i++) {
      W.senders[i]->owed = W.window;
      queue_pump(W.senders[i]);
    }
  } else if (mode == MODE_OPEN) {
    for (size_t i = 0; i < W.n_senders; i++) queue_pump(W.senders[i]);
  } else {
    /* Staggered across the period so that the senders' messages do not coincide. */
    W.rate_period = (int64_t)(1e9 / rate);
    if (W.rate_period < 1) W.rate_period = 1;
    for (size_t i = 0; i < W.n_senders; i++) {
      W.senders[i]->rate_due = now + (int64_t)((double)W.rate_period * (double)i /
                                               (double)W.n_senders);
    }
    W.rate_next = 0;
  }
}

/* Rate ticks that are due, in their (cyclic) order; then the end of the run. */
static void run_timers(int64_t now) {
  if (W.mode == MODE_RATE && W.n_senders > 0) {
    for (;;) {
      Client *s = W.senders[W.rate_next];
      if (s->rate_due > now || s->rate_due >= W.run_end) break;
      s->owed++;
      queue_pump(s);
      s->rate_due += W.rate_period;
      W.rate_next = (W.rate_next + 1) % W.n_senders;
    }
  }
  if (now < W.run_end) return;
  flush_pumps();
  W.running = false;
  struct rusage cpu;
  getrusage(RUSAGE_SELF, &cpu);
  Client **sorted = xcalloc(W.n_senders, sizeof *sorted);
  memcpy(sorted, W.senders, W.n_senders * sizeof *sorted);
  qsort(sorted, W.n_senders, sizeof *sorted, cmp_client_id);
  Buf line = {0};
  buf_puts(&line, "{\"event\":\"ran\",\"sent\":{");
  for (size_t i = 0; i < W.n_senders; i++) {
    buf_printf(&line, "%s\"%d\":%lld", i ? "," : "", sorted[i]->id, (long long)sorted[i]->sent);
  }
  free(sorted);
  buf_printf(&line,
             "},\"received\":%llu,\"elapsedMs\":%.3f,\"cpuUserMs\":%.3f,\"cpuSystemMs\":%.3f}",
             (unsigned long long)(W.received - W.run_received0),
             (double)(mono_ns() - W.run_started) / 1e6,
             cpu_ms(&cpu.ru_utime) - cpu_ms(&W.run_cpu0.ru_utime),
             cpu_ms(&cpu.ru_stime) - cpu_ms(&W.run_cpu0.ru_stime));
  W.phase = PHASE_IDLE;
  emit(&line);
  free(line.data);
}

static void do_drain(Command *cmd) {
  if ((cmd->has & (HAS_EXPECTED | HAS_IDLE | HAS_DEADLINE)) !=
      (HAS_EXPECTED | HAS_IDLE | HAS_DEADLINE)) {
    emit_error("Cannot drain: the command needs expected, idleTimeoutMs and deadlineMs");
    return;
  }
  W.drain_started = W.drain_last_change = mono_ns();
  W.drain_last = W.received;
  W.drain_expected = (int64_t)cmd->expected;
  W.drain_idle_ns = (int64_t)(cmd->idle_timeout_ms * 1e6);
  W.drain_deadline_ns = (int64_t)(cmd->deadline_ms * 1e6);
  W.phase = PHASE_DRAIN;
}

/* Answers `drain` once every expected delivery came, or none for idleTimeoutMs, or at deadlineMs. */
static void check_drain(int64_t now) {
  if (W.received != W.drain_last) {
    W.drain_last = W.received;
    W.drain_last_change = now;
  }
  if ((int64_t)W.received < W.drain_expected && now - W.drain_last_change < W.drain_idle_ns &&
      now - W.drain_started < W.drain_deadline_ns) {
    return;
  }
  W.lag_active = false;
  Buf line = {0};
  buf_printf(&line,
             "{\"event\":\"drained\",\"received\":%llu,\"orderErrors\":%llu,\"disconnects\":%llu,"
             "\"firstError\":",
             (unsigned long long)W.received, (unsigned long long)W.order_errors,
             (unsigned long long)W.disconnects);
  json_string(&line, W.first_error, strlen(W.first_error));
  buf_puts(&line, ",\"latency\":");
  hist_json(&line, &W.latency);
  buf_puts(&line, ",\"localLatency\":");
  hist_json(&line, &W.local_latency);
  buf_puts(&line, ",\"loopLag\":");
  hist_json(&line, &W.loop_lag);
  buf_puts(&line, "}");
  W.phase = PHASE_IDLE;
  emit(&line);
  free(line.data);
}

static void do_stats(void) {
  struct rusage cpu;
  getrusage(RUSAGE_SELF, &cpu);
  Buf line = {0};
  buf_printf(&line, "{\"event\":\"stats\",\"received\":%llu,\"cpuUserMs\":%.3f,\"cpuSystemMs\":%.3f}",
             (unsigned long long)W.received, cpu_ms(&cpu.ru_utime), cpu_ms(&cpu.ru_stime));
  emit(&line);
  free(line.data);
}

/* Closes every connection and exits (the `close` command and the end of stdin). */
static void close_and_exit(void) {
  W.running = false;
  for (size_t i = 0; i < W.n_clients; i++) {
    W.clients[i]->closed = true;
    close_fd(W.clients[i]);
  }
  exit(0);
}

static void handle_line(const char *line, size_t len) {
  size_t i = 0;
  while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) i++;
  if (i == len) return;
  Command cmd = {0};
  Parser ps;
  if (!parse_command(line, len, &cmd, &ps)) {
    char msg[256];
    snprintf(msg, sizeof msg, "Cannot parse command: %s", ps.err);
    emit_error(msg);
  } else if (!(cmd.has & HAS_CMD)) {
    emit_error("Cannot run a command without \"cmd\"");
  } else if (!strcmp(cmd.cmd, "connect")) {
    do_connect(&cmd);
  } else if (!strcmp(cmd.cmd, "run")) {
    do_run(&cmd);
  } else if (!strcmp(cmd.cmd, "drain")) {
    do_drain(&cmd);
  } else if (!strcmp(cmd.cmd, "stats")) {
    do_stats();
  } else if (!strcmp(cmd.cmd, "close")) {
    close_and_exit();
  } else {
    char msg[96];
    snprintf(msg, sizeof msg, "Unknown command \"%s\"", cmd.cmd);
    emit_error(msg);
  }
  command_free(&cmd);
}

/* Runs complete command lines from stdin while no command is in progress. */
static void handle_commands(void) {
  size_t at = 0;
  while (W.phase == PHASE_IDLE && at < W.in.len) {
    unsigned char *nl = memchr(W.in.data + at, '\n', W.in.len - at);
    if (!nl) break;
    size_t end = (size_t)(nl - W.in.data);
    handle_line((const char *)W.in.data + at, end - at);
    at = end + 1;
    flush_pumps();
    int64_t now = mono_ns();
    if (W.phase == PHASE_CONNECT) check_connect(now);
    else if (W.phase == PHASE_DRAIN) check_drain(now);
  }
  if (at > 0) {
    memmove(W.in.data, W.in.data + at, W.in.len - at);
    W.in.len -= at;
  }
}

static void on_stdin(void) {
  buf_reserve(&W.in, 65536);
  ssize_t n = read(0, W.in.data + W.in.len, W.in.cap - W.in.len);
  if (n < 0 && errno == EINTR) return;
  if (n <= 0) {
    W.in_eof = true;
    epoll_ctl(W.epoll, EPOLL_CTL_DEL, 0, NULL);
    return;
  }
  W.in.len += (size_t)n;
  if (W.in.len > MAX_LINE_BYTES && !memchr(W.in.data, '\n', W.in.len)) {
    emit_error("Cannot parse command: a line is longer than 16 MiB");
    W.in.len = 0;
  }
}

/* Sets the timerfd to the earliest deadline of the lag tick, the run, rate ticks, drain, connect. */
static void arm_timer(void) {
  int64_t due = INT64_MAX;
  if (W.lag_active) due = W.lag_due;
  if (W.phase == PHASE_RUN) {
    if (W.run_end < due) due = W.run_end;
    if (W.mode == MODE_RATE && W.n_senders > 0) {
      int64_t r = W.senders[W.rate_next]->rate_due;
      if (r < due) due = r;
    }
  } else if (W.phase == PHASE_DRAIN) {
    int64_t idle = W.drain_last_change + W.drain_idle_ns;
    int64_t deadline = W.drain_started + W.drain_deadline_ns;
    int64_t d = idle < deadline ? idle : deadline;
    if (d < due) due = d;
  } else if (W.phase == PHASE_CONNECT) {
    int64_t d = W.connect_started + HANDSHAKE_TIMEOUT_NS;
    if (d < due) due = d;
  }
  if (due == INT64_MAX) due = -1;
  if (due == W.timer_armed) return;
  struct itimerspec spec = {0};
  if (due > 0) {
    spec.it_value.tv_sec = due / 1000000000LL;
    spec.it_value.tv_nsec = due % 1000000000LL;
  }
  timerfd_settime(W.timer, TFD_TIMER_ABSTIME, &spec, NULL);
  W.timer_armed = due;
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  /* Timers fire when due, not up to 50 µs later (the default slack). */
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  W.epoll = epoll_create1(EPOLL_CLOEXEC);
  W.timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (W.epoll < 0 || W.timer < 0) {
    perror("load_worker: epoll/timerfd");
    return 1;
  }
  W.timer_armed = -1;
  W.channel = strdup("#bench");
  hist_reset(&W.latency);
  hist_reset(&W.local_latency);
  hist_reset(&W.loop_lag);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0};
  epoll_ctl(W.epoll, EPOLL_CTL_ADD, 0, &ev);
  ev.data.u64 = 1;
  epoll_ctl(W.epoll, EPOLL_CTL_ADD, W.timer, &ev);

  Buf ready = {0};
  buf_puts(&ready, "{\"event\":\"ready\"}");
  emit(&ready);
  free(ready.data);

  struct epoll_event events[MAX_EVENTS];
  for (;;) {
    int64_t now = mono_ns();
    /* A chain of 10 ms ticks: each one's lateness is how long the loop was busy. */
    if (W.lag_active && now >= W.lag_due) {
      hist_record_us(&W.loop_lag, (now - W.lag_due + 500) / 1000);
      W.lag_due = now + LAG_TICK_NS;
    }
    if (W.phase == PHASE_RUN) run_timers(now);
    flush_pumps();
    if (W.phase == PHASE_CONNECT) check_connect(now);
    else if (W.phase == PHASE_DRAIN) check_drain(now);
    handle_commands();
    if (W.phase == PHASE_IDLE && W.in_eof) close_and_exit();
    arm_timer();
    int n = epoll_wait(W.epoll, events, MAX_EVENTS, -1);
    if (n < 0 && errno != EINTR) {
      perror("load_worker: epoll_wait");
      return 1;
    }
    for (int i = 0; i < n; i++) {
      uint64_t tag = events[i].data.u64;
      if (tag == 0) {
        on_stdin();
      } else if (tag == 1) {
        uint64_t ticks;
        ssize_t ignored = read(W.timer, &ticks, sizeof ticks);
        (void)ignored;
        W.timer_armed = -1; /* fired: set it again on the next turn */
      } else {
        on_client_event(W.clients[tag - 2], events[i].events);
      }
      flush_pumps();
    }
  }
}
