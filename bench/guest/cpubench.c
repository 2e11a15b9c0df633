/*
 * In-guest CPU benchmark: the same C runs natively on the host, inside tuml's
 * guest and inside QEMU's guest, so the three times can be put side by side.
 * Each kernel prints "name seconds checksum"; checksums must agree everywhere.
 * Build with -ffp-contract=off: the double loop is then plain IEEE arithmetic (no
 * fused multiply-add, no libm), so its checksum is bit-exact on every machine.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t integer_loop(long n) {
  uint64_t a = 1, b = 0x9e3779b97f4a7c15ULL;
  for (long i = 0; i < n; i++) {
    a = a * 6364136223846793005ULL + (uint64_t)i;
    b ^= a >> 17;
    if (b & 1) a += b; else a -= b >> 3;
  }
  return a ^ b;
}

static uint64_t memcpy_loop(long rounds) {
  size_t sz = 1 << 20;
  unsigned char *src = malloc(sz), *dst = malloc(sz);
  for (size_t i = 0; i < sz; i++) src[i] = (unsigned char)(i * 31);
  uint64_t sum = 0;
  for (long r = 0; r < rounds; r++) {
    src[r % sz] ^= (unsigned char)r;
    memcpy(dst, src, sz);
    sum += dst[(r * 4099) % sz];
  }
  free(src);
  free(dst);
  return sum;
}

static uint64_t double_loop(long n) {
  double x = 0, y = 1.0;
  for (long i = 1; i < n; i++) {
    x += 1.0 / ((double)i * (double)i);
    y = y * 0.999999 + x * 1e-6;
  }
  double r = x * 1e12 + y;
  uint64_t bits;
  memcpy(&bits, &r, sizeof bits);
  return bits;
}

int main(int argc, char **argv) {
  double scale = argc > 1 ? atof(argv[1]) : 1.0;
  struct { const char *name; uint64_t (*fn)(long); long n; } k[] = {
    { "integer", integer_loop, (long)(20000000 * scale) },
    { "memcpy", memcpy_loop, (long)(200 * scale) },
    { "double", double_loop, (long)(5000000 * scale) },
  };
  for (unsigned i = 0; i < sizeof k / sizeof k[0]; i++) {
    double t0 = now();
    uint64_t c = k[i].fn(k[i].n);
    double t = now() - t0;
    printf("%s %.4f %016llx\n", k[i].name, t, (unsigned long long)c);
    fflush(stdout);
  }
  return 0;
}
