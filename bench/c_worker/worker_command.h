/*
 * worker_command.h: the launcher's line protocol (bench/worker_command.ts) as
 * the C load generator speaks it (load_worker.c includes it): events out as
 * JSON lines on stdout, and a small hand-written JSON parser for the known
 * command shapes in. The parser takes any key order and whitespace, decodes
 * string escapes, skips fields it does not know, and says where a line is
 * malformed.
 */

#ifndef WORKER_COMMAND_H
#define WORKER_COMMAND_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "byte_buffer.h"

/* ---- JSON output ---- */

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  size_t len;
  uint32_t cp;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
    cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    cp = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (n < len) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
      (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) {
    return 0;
  }
  return len;
}

/* Appends bytes as a JSON string; invalid UTF-8 becomes U+FFFD (as TextDecoder does). */
static void json_string(Buf *out, const void *bytes, size_t n) {
  const unsigned char *s = bytes;
  buf_reserve(out, n + 2);
  buf_put(out, "\"", 1);
  for (size_t i = 0; i < n;) {
    unsigned char c = s[i];
    if (c == '"' || c == '\\') {
      char esc[2] = {'\\', (char)c};
      buf_put(out, esc, 2);
      i++;
    } else if (c < 0x20) {
      if (c == '\n') buf_puts(out, "\\n");
      else if (c == '\r') buf_puts(out, "\\r");
      else if (c == '\t') buf_puts(out, "\\t");
      else buf_printf(out, "\\u%04x", c);
      i++;
    } else {
      size_t len = utf8_len(s + i, n - i);
      if (len == 0) {
        buf_puts(out, "\xef\xbf\xbd");
        i++;
      } else {
        buf_put(out, s + i, len);
        i += len;
      }
    }
  }
  buf_put(out, "\"", 1);
}

/* Writes one event line to stdout; exits when the launcher is gone. */
static void emit(Buf *line) {
  buf_put(line, "\n", 1);
  size_t at = 0;
  while (at < line->len) {
    ssize_t n = write(1, line->data + at, line->len - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) exit(1);
    at += (size_t)n;
  }
  line->len = 0;
}

static void emit_error(const char *message) {
  Buf line = {0};
  buf_puts(&line, "{\"event\":\"error\",\"message\":");
  json_string(&line, message, strlen(message));
  buf_puts(&line, "}");
  emit(&line);
  free(line.data);
}

/* ---- JSON input: the known command shapes ---- */

typedef struct {
  int64_t *v;
  size_t n;
} IntList;

/* One command, every field any command may carry; `has` marks those present. */
typedef struct {
  char cmd[16];
  char protocol[16];
  char mode[16];
  char *host;
  char *channel;
  double port, total, read_bytes, window, rate, duration_ms;
  double expected, idle_timeout_ms, deadline_ms;
  IntList ports, ids, senders;
  unsigned has;
} Command;

enum {
  HAS_CMD = 1u << 0,
  HAS_PROTOCOL = 1u << 1,
  HAS_MODE = 1u << 2,
  HAS_HOST = 1u << 3,
  HAS_CHANNEL = 1u << 4,
  HAS_PORT = 1u << 5,
  HAS_TOTAL = 1u << 6,
  HAS_READ_BYTES = 1u << 7,
  HAS_WINDOW = 1u << 8,
  HAS_RATE = 1u << 9,
  HAS_DURATION = 1u << 10,
  HAS_EXPECTED = 1u << 11,
  HAS_IDLE = 1u << 12,
  HAS_DEADLINE = 1u << 13,
  HAS_PORTS = 1u << 14,
  HAS_IDS = 1u << 15,
  HAS_SENDERS = 1u << 16,
};

typedef struct {
  const char *p;
  const char *end;
  char err[160];
} Parser;

static bool failf(Parser *ps, const char *what, const char *start) {
  if (!ps->err[0]) {
    snprintf(ps->err, sizeof ps->err, "%s at byte %ld", what, (long)(ps->p - start));
  }
  return false;
}

static void skip_ws(Parser *ps) {
  while (ps->p < ps->end &&
         (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) {
    ps->p++;
  }
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static void put_utf8(Buf *out, uint32_t cp) {
  unsigned char b[4];
  size_t n;
  if (cp < 0x80) {
    b[0] = (unsigned char)cp;
    n = 1;
  } else if (cp < 0x800) {
    b[0] = (unsigned char)(0xc0 | (cp >> 6));
    b[1] = (unsigned char)(0x80 | (cp & 0x3f));
    n = 2;
  } else if (cp < 0x10000) {
    b[0] = (unsigned char)(0xe0 | (cp >> 12));
    b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    b[2] = (unsigned char)(0x80 | (cp & 0x3f));
    n = 3;
  } else {
    b[0] = (unsigned char)(0xf0 | (cp >> 18));
    b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    b[3] = (unsigned char)(0x80 | (cp & 0x3f));
    n = 4;
  }
  buf_put(out, b, n);
}

static bool read_hex4(Parser *ps, const char *start, uint32_t *cp) {
  if (ps->end - ps->p < 4) return failf(ps, "Truncated \\u escape", start);
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    int d = hex_digit(ps->p[i]);
    if (d < 0) return failf(ps, "Bad \\u escape", start);
    v = v * 16 + (uint32_t)d;
  }
  ps->p += 4;
  *cp = v;
  return true;
}

/* Parses a JSON string (at '"') into out, NUL-terminated. */
static bool parse_string(Parser *ps, const char *start, Buf *out) {
  out->len = 0;
  if (ps->p >= ps->end || *ps->p != '"') return failf(ps, "Expected a string", start);
  ps->p++;
  while (ps->p < ps->end) {
    unsigned char c = (unsigned char)*ps->p++;
    if (c == '"') {
      buf_put(out, "", 1);
      out->len--;
      return true;
    }
    if (c < 0x20) return failf(ps, "Control character in string", start);
    if (c != '\\') {
      buf_put(out, &c, 1);
      continue;
    }
    if (ps->p >= ps->end) break;
    char e = *ps->p++;
    switch (e) {
      case '"': buf_put(out, "\"", 1); break;
      case '\\': buf_put(out, "\\", 1); break;
      case '/': buf_put(out, "/", 1); break;
      case 'b': buf_put(out, "\b", 1); break;
      case 'f': buf_put(out, "\f", 1); break;
      case 'n': buf_put(out, "\n", 1); break;
      case 'r': buf_put(out, "\r", 1); break;
      case 't': buf_put(out, "\t", 1); break;
      case 'u': {
        uint32_t cp;
        if (!read_hex4(ps, start, &cp)) return false;
        if (cp >= 0xd800 && cp <= 0xdbff && ps->end - ps->p >= 6 && ps->p[0] == '\\' &&
            ps->p[1] == 'u') {
          const char *save = ps->p;
          uint32_t lo;
          ps->p += 2;
          if (read_hex4(ps, start, &lo) && lo >= 0xdc00 && lo <= 0xdfff) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          } else {
            ps->p = save;
            ps->err[0] = 0;
            cp = 0xfffd;
          }
        } else if (cp >= 0xd800 && cp <= 0xdfff) {
          cp = 0xfffd; /* a lone surrogate */
        }
        put_utf8(out, cp);
        break;
      }
      default: return failf(ps, "Bad escape in string", start);
    }
  }
  return failf(ps, "Unterminated string", start);
}

/* Parses a JSON number (strict grammar). */
static bool parse_number(Parser *ps, const char *start, double *out) {
  const char *p = ps->p;
  const char *s = p;
  if (p < ps->end && *p == '-') p++;
  if (p >= ps->end || *p < '0' || *p > '9') return failf(ps, "Expected a number", start);
  if (*p == '0') {
    p++;
  } else {
    while (p < ps->end && *p >= '0' && *p <= '9') p++;
  }
  if (p < ps->end && *p == '.') {
    p++;
    if (p >= ps->end || *p < '0' || *p > '9') return failf(ps, "Bad number", start);
    while (p < ps->end && *p >= '0' && *p <= '9') p++;
  }
  if (p < ps->end && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < ps->end && (*p == '+' || *p == '-')) p++;
    if (p >= ps->end || *p < '0' || *p > '9') return failf(ps, "Bad number", start);
    while (p < ps->end && *p >= '0' && *p <= '9') p++;
  }
  char tmp[64];
  size_t n = (size_t)(p - s);
  if (n >= sizeof tmp) return failf(ps, "Number too long", start);
  memcpy(tmp, s, n);
  tmp[n] = 0;
  *out = strtod(tmp, NULL);
  ps->p = p;
  return true;
}

static bool skip_value(Parser *ps, const char *start, int depth);

static bool skip_container(Parser *ps, const char *start, int depth, char close, bool keyed) {
  ps->p++;
  skip_ws(ps);
  if (ps->p < ps->end && *ps->p == close) {
    ps->p++;
    return true;
  }
  Buf scratch = {0};
  for (;;) {
    skip_ws(ps);
    if (keyed) {
      if (!parse_string(ps, start, &scratch)) break;
      skip_ws(ps);
      if (ps->p >= ps->end || *ps->p != ':') {
        failf(ps, "Expected ':'", start);
        break;
      }
      ps->p++;
    }
    if (!skip_value(ps, start, depth + 1)) break;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ',') {
      ps->p++;
      continue;
    }
    if (ps->p < ps->end && *ps->p == close) {
      ps->p++;
      free(scratch.data);
      return true;
    }
    failf(ps, "Expected ',' or a closing bracket", start);
    break;
  }
  free(scratch.data);
  return false;
}

/* Skips any JSON value (fields this worker does not use). */
static bool skip_value(Parser *ps, const char *start, int depth) {
  if (depth > 32) return failf(ps, "Nested too deeply", start);
  skip_ws(ps);
  if (ps->p >= ps->end) return failf(ps, "Expected a value", start);
  char c = *ps->p;
  if (c == '{') return skip_container(ps, start, depth, '}', true);
  if (c == '[') return skip_container(ps, start, depth, ']', false);
  if (c == '"') {
    Buf scratch = {0};
    bool ok = parse_string(ps, start, &scratch);
    free(scratch.data);
    return ok;
  }
  static const char *const words[] = {"true", "false", "null"};
  for (size_t i = 0; i < 3; i++) {
    size_t n = strlen(words[i]);
    if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, words[i], n) == 0) {
      ps->p += n;
      return true;
    }
  }
  double ignored;
  return parse_number(ps, start, &ignored);
}

/* Parses an array of integers into list (replacing what it held). */
static bool parse_int_list(Parser *ps, const char *start, IntList *list, const char *key) {
  list->n = 0;
  skip_ws(ps);
  if (ps->p >= ps->end || *ps->p != '[') {
    char what[64];
    snprintf(what, sizeof what, "Expected an array for \"%s\"", key);
    return failf(ps, what, start);
  }
  ps->p++;
  skip_ws(ps);
  if (ps->p < ps->end && *ps->p == ']') {
    ps->p++;
    return true;
  }
  size_t cap = 0;
  for (;;) {
    skip_ws(ps);
    double v;
    if (!parse_number(ps, start, &v)) return false;
    if (v != (double)(int64_t)v || v < 0 || v > 2147483647.0) {
      char what[80];
      snprintf(what, sizeof what, "\"%s\" holds a value that is not a non-negative integer", key);
      return failf(ps, what, start);
    }
    if (list->n == cap) {
      cap = cap ? cap * 2 : 64;
      list->v = xrealloc(list->v, cap * sizeof *list->v);
    }
    list->v[list->n++] = (int64_t)v;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ',') {
      ps->p++;
      continue;
    }
    if (ps->p < ps->end && *ps->p == ']') {
      ps->p++;
      return true;
    }
    return failf(ps, "Expected ',' or ']'", start);
  }
}

static bool copy_word(Parser *ps, const char *start, const Buf *s, char *dst, size_t cap,
                      const char *key) {
  if (s->len >= cap) {
    char what[64];
    snprintf(what, sizeof what, "\"%s\" is too long", key);
    return failf(ps, what, start);
  }
  memcpy(dst, s->data, s->len + 1);
  return true;
}

/* Parses the value of field `k` into c (unknown fields are skipped); str is scratch space. */
static bool parse_field(Parser *ps, const char *start, Command *c, const char *k, Buf *str) {
  struct {
    const char *name;
    double *field;
    unsigned bit;
  } const numbers[] = {
      {"port", &c->port, HAS_PORT},
      {"total", &c->total, HAS_TOTAL},
      {"readBytes", &c->read_bytes, HAS_READ_BYTES},
      {"window", &c->window, HAS_WINDOW},
      {"rate", &c->rate, HAS_RATE},
      {"durationMs", &c->duration_ms, HAS_DURATION},
      {"expected", &c->expected, HAS_EXPECTED},
      {"idleTimeoutMs", &c->idle_timeout_ms, HAS_IDLE},
      {"deadlineMs", &c->deadline_ms, HAS_DEADLINE},
  };
  for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
    if (strcmp(k, numbers[i].name) != 0) continue;
    c->has |= numbers[i].bit;
    return parse_number(ps, start, numbers[i].field);
  }
  if (!strcmp(k, "cmd") || !strcmp(k, "protocol") || !strcmp(k, "mode")) {
    char *dst = k[0] == 'c' ? c->cmd : k[0] == 'p' ? c->protocol : c->mode;
    c->has |= k[0] == 'c' ? HAS_CMD : k[0] == 'p' ? HAS_PROTOCOL : HAS_MODE;
    return parse_string(ps, start, str) && copy_word(ps, start, str, dst, sizeof c->cmd, k);
  }
  if (!strcmp(k, "host") || !strcmp(k, "channel")) {
    char **dst = k[0] == 'h' ? &c->host : &c->channel;
    c->has |= k[0] == 'h' ? HAS_HOST : HAS_CHANNEL;
    if (!parse_string(ps, start, str)) return false;
    free(*dst);
    *dst = xcalloc(str->len + 1, 1);
    memcpy(*dst, str->data, str->len);
    return true;
  }
  if (!strcmp(k, "ports") || !strcmp(k, "ids") || !strcmp(k, "senders")) {
    IntList *dst = k[0] == 'p' ? &c->ports : k[0] == 'i' ? &c->ids : &c->senders;
    c->has |= k[0] == 'p' ? HAS_PORTS : k[0] == 'i' ? HAS_IDS : HAS_SENDERS;
    return parse_int_list(ps, start, dst, k);
  }
  return skip_value(ps, start, 1);
}

/* Parses one command line into c. On failure, c is partly filled and ps->err says why. */
static bool parse_command(const char *line, size_t len, Command *c, Parser *ps) {
  ps->p = line;
  ps->end = line + len;
  ps->err[0] = 0;
  const char *start = line;
  Buf key = {0};
  Buf str = {0};
  bool ok = false;
  skip_ws(ps);
  if (ps->p >= ps->end || *ps->p != '{') {
    failf(ps, "Expected a JSON object", start);
    goto done;
  }
  ps->p++;
  skip_ws(ps);
  if (ps->p < ps->end && *ps->p == '}') {
    ps->p++;
  } else {
    for (;;) {
      skip_ws(ps);
      if (!parse_string(ps, start, &key)) goto done;
      skip_ws(ps);
      if (ps->p >= ps->end || *ps->p != ':') {
        failf(ps, "Expected ':'", start);
        goto done;
      }
      ps->p++;
      skip_ws(ps);
      if (!parse_field(ps, start, c, (const char *)key.data, &str)) goto done;
      skip_ws(ps);
      if (ps->p < ps->end && *ps->p == ',') {
        ps->p++;
        continue;
      }
      if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        break;
      }
      failf(ps, "Expected ',' or '}'", start);
      goto done;
    }
  }
  skip_ws(ps);
  if (ps->p != ps->end) {
    failf(ps, "Unexpected data after the object", start);
    goto done;
  }
  ok = true;
done:
  free(key.data);
  free(str.data);
  return ok;
}

static void command_free(Command *c) {
  free(c->host);
  free(c->channel);
  free(c->ports.v);
  free(c->ids.v);
  free(c->senders.v);
}

#endif
