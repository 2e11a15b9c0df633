/*
 * tuml's bare-metal CPU benchmark: integer arithmetic, a bytecode interpreter (branchy
 * control flow), sorting, memory copy and checksum loops, and a little double-precision
 * floating point. Freestanding: no libc. It prints one line,
 *   "tuml-cpubench checksum=<hex> instret=<n>\n"
 * through HTIF SYS_write on tuml and through semihosting on QEMU (whose spike HTIF only
 * reports exit codes), and exits 0. The checksum must be identical on every machine.
 */
#include <stdint.h>
#include <stddef.h>

#define SCALE 1 /* work multiplier */

/* ---- output ---- */
extern volatile uint64_t tohost, fromhost;
extern void semihost_write0(const char *s);

static volatile uint64_t magic_mem[8] __attribute__((aligned(64)));

static int on_qemu(void) {
  uint64_t arch, impl;
  __asm__ volatile("csrr %0, marchid" : "=r"(arch));
  __asm__ volatile("csrr %0, mimpid" : "=r"(impl));
  return arch != 0 && arch == impl;
}

static size_t str_len(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

static void print(const char *s) {
  if (on_qemu()) {
    semihost_write0(s);
    return;
  }
  magic_mem[0] = 64; /* SYS_write */
  magic_mem[1] = 1;
  magic_mem[2] = (uint64_t)(uintptr_t)s;
  magic_mem[3] = str_len(s);
  __asm__ volatile("fence" ::: "memory");
  tohost = (uint64_t)(uintptr_t)magic_mem;
  while (fromhost == 0) {
  }
  fromhost = 0;
  __asm__ volatile("fence" ::: "memory");
}

static char *put_hex(char *p, uint64_t v) {
  for (int i = 60; i >= 0; i -= 4) *p++ = "0123456789abcdef"[(v >> i) & 15];
  return p;
}

static char *put_dec(char *p, uint64_t v) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) *p++ = tmp[--n];
  return p;
}

static char *put_str(char *p, const char *s) {
  while (*s) *p++ = *s++;
  return p;
}

/* ---- the compiler may call these ---- */
void *memcpy(void *d, const void *s, size_t n) {
  uint8_t *dp = d;
  const uint8_t *sp = s;
  if ((((uintptr_t)dp | (uintptr_t)sp) & 7) == 0) {
    for (; n >= 8; n -= 8, dp += 8, sp += 8) *(uint64_t *)dp = *(const uint64_t *)sp;
  }
  while (n--) *dp++ = *sp++;
  return d;
}

void *memset(void *d, int c, size_t n) {
  uint8_t *dp = d;
  while (n--) *dp++ = (uint8_t)c;
  return d;
}

/* ---- workloads ---- */
static uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v;
  h *= 0x100000001b3ULL;
  return h ^ (h >> 29);
}

static uint64_t rng_state = 0x243f6a8885a308d3ULL;
static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* Integer arithmetic: multiply, divide, shifts, 32-bit ops. */
static uint64_t work_integer(long n) {
  uint64_t a = 1, b = 0x9e3779b97f4a7c15ULL, c = 7;
  uint32_t w = 12345;
  for (long i = 0; i < n; i++) {
    a = a * 6364136223846793005ULL + (uint64_t)i;
    b ^= a >> 17;
    c += (b % 1000003) + (a / ((b & 0xffff) | 1));
    w = w * 1103515245u + 12345u;
    w ^= w >> 11;
    if (b & 1)
      a += b;
    else
      a -= b >> 3;
  }
  return a ^ b ^ c ^ w;
}

/* A tiny stack-machine interpreter running a loop-heavy program (branchy dispatch). */
enum { OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_MOD, OP_LT, OP_JZ, OP_JMP, OP_DUP, OP_DROP, OP_HALT };
static uint64_t work_interp(long n) {
  /* for (i = 0; i < n; i++) { x = (x * 31 + i) % 1000003; if (x < 500000) cnt++; } */
  static const int32_t prog[] = {
      OP_PUSH, 0, OP_STORE, 0,                      /* i = 0 */
      OP_LOAD, 0, OP_LOAD, 3, OP_LT, OP_JZ, 47,     /* 4: while (i < n) */
      OP_LOAD, 1, OP_PUSH, 31, OP_MUL, OP_LOAD, 0, OP_ADD, OP_PUSH, 1000003, OP_MOD, OP_STORE, 1,
      OP_LOAD, 1, OP_PUSH, 500000, OP_LT, OP_JZ, 38, /* if (x < 500000) */
      OP_LOAD, 2, OP_PUSH, 1, OP_ADD, OP_STORE, 2,   /* cnt++ */
      OP_LOAD, 0, OP_PUSH, 1, OP_ADD, OP_STORE, 0,   /* 38: i++ */
      OP_JMP, 4,
      OP_HALT,                                       /* 47 */
  };
  int64_t vars[4] = {0, 1, 0, n};
  int64_t stack[16];
  int sp = 0, pc = 0;
  for (;;) {
    switch (prog[pc++]) {
      case OP_PUSH: stack[sp++] = prog[pc++]; break;
      case OP_LOAD: stack[sp++] = vars[prog[pc++]]; break;
      case OP_STORE: vars[prog[pc++]] = stack[--sp]; break;
      case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case OP_MOD: sp--; stack[sp - 1] %= stack[sp]; break;
      case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case OP_JZ: {
        int t = prog[pc++];
        if (stack[--sp] == 0) pc = t;
        break;
      }
      case OP_JMP: pc = prog[pc]; break;
      case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case OP_DROP: sp--; break;
      case OP_HALT: return mix((uint64_t)vars[1], (uint64_t)vars[2]);
    }
  }
}

/* Sorting: quicksort of pseudo-random 32-bit keys. */
#define SORT_N 20000
static uint32_t keys[SORT_N];
static void quicksort(uint32_t *a, long lo, long hi) {
  while (lo < hi) {
    uint32_t p = a[(lo + hi) / 2];
    long i = lo, j = hi;
    while (i <= j) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i <= j) {
        uint32_t t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (j - lo < hi - i) {
      quicksort(a, lo, j);
      lo = i;
    } else {
      quicksort(a, i, hi);
      hi = j;
    }
  }
}
static uint64_t work_sort(int rounds) {
  uint64_t h = 0;
  for (int r = 0; r < rounds; r++) {
    for (int i = 0; i < SORT_N; i++) keys[i] = (uint32_t)rng();
    quicksort(keys, 0, SORT_N - 1);
    for (int i = 1; i < SORT_N; i++)
      if (keys[i - 1] > keys[i]) return 0xbad;
    h = mix(h, keys[0]);
    h = mix(h, keys[SORT_N / 2]);
    h = mix(h, keys[SORT_N - 1]);
  }
  return h;
}

/* Memory: copy buffers around and checksum them (Fletcher-64 style). */
#define BUF_BYTES (256 * 1024)
static uint64_t buf_a[BUF_BYTES / 8], buf_b[BUF_BYTES / 8];
static uint64_t work_memory(int rounds) {
  for (size_t i = 0; i < BUF_BYTES / 8; i++) buf_a[i] = rng();
  uint64_t s1 = 0, s2 = 0;
  for (int r = 0; r < rounds; r++) {
    memcpy(buf_b, buf_a, BUF_BYTES);
    /* a byte-granular, misaligned copy back */
    memcpy((uint8_t *)buf_a + 1 + (r & 7), (const uint8_t *)buf_b + 3, 4096);
    const uint32_t *w = (const uint32_t *)buf_b;
    for (size_t i = 0; i < BUF_BYTES / 4; i++) {
      s1 += w[i];
      s2 += s1;
    }
  }
  return mix(s1, s2);
}

/* Double precision: Mandelbrot iterations and a Newton sqrt series. */
static uint64_t work_fp(int size) {
  uint64_t total = 0;
  for (int y = 0; y < size; y++) {
    for (int x = 0; x < size; x++) {
      double cr = -2.0 + 2.5 * x / size, ci = -1.25 + 2.5 * y / size;
      double zr = 0, zi = 0;
      int k = 0;
      while (k < 200 && zr * zr + zi * zi < 4.0) {
        double t = zr * zr - zi * zi + cr;
        zi = 2.0 * zr * zi + ci;
        zr = t;
        k++;
      }
      total += (uint64_t)k;
    }
  }
  double acc = 0;
  for (int i = 1; i < size * 50; i++) acc += __builtin_sqrt((double)i) / (double)(i + 1);
  union {
    double d;
    uint64_t u;
  } bits = {acc};
  return mix(total, bits.u);
}

int main(void) {
  uint64_t h = 0;
  h = mix(h, work_integer(6000000L * SCALE));
  h = mix(h, work_interp(1500000L * SCALE));
  h = mix(h, work_sort(12 * SCALE));
  h = mix(h, work_memory(40 * SCALE));
  h = mix(h, work_fp(220 * SCALE));
  uint64_t instret;
  __asm__ volatile("csrr %0, minstret" : "=r"(instret));
  char line[96], *p = line;
  p = put_str(p, "tuml-cpubench checksum=");
  p = put_hex(p, h);
  p = put_str(p, " instret=");
  p = put_dec(p, instret);
  p = put_str(p, "\n");
  *p = 0;
  print(line);
  return 0;
}
