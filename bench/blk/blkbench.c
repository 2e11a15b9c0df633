// In-guest block benchmark: sequential 1 MiB and random 4 KiB writes and reads with O_DIRECT
// (no guest page cache) on a disk, timed with the guest's monotonic clock. Writes end with
// fdatasync. Every read is checked against what was written; a mismatch fails the run.
//   blkbench <device> <sequential MiB> <random ops>
// Output lines: "<test> <value> <unit>".
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

/* Each 4 KiB block of the disk holds its own byte offset in its first 8 bytes over a fixed
   pattern, so writing costs a few stores per block and any misplaced block is caught. */
static void stamp(unsigned char *b, size_t n, uint64_t off) {
  for (size_t i = 0; i < n; i += 4096) {
    uint64_t v = off + i;
    memcpy(b + i, &v, 8);
  }
}

static void pattern(unsigned char *b, size_t n) {
  for (size_t i = 0; i < n; i++) b[i] = (unsigned char)(i * 7 + 3);
}

static void die(const char *what, long long at) {
  fprintf(stderr, "blkbench: %s at %lld\n", what, at);
  exit(1);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: blkbench <device> <sequential MiB> <random ops>\n");
    return 2;
  }
  const long mib = atol(argv[2]), ops = atol(argv[3]);
  int fd = open(argv[1], O_RDWR | O_DIRECT);
  if (fd < 0) die("open", 0);
  const off_t size = lseek(fd, 0, SEEK_END);
  if (size < (off_t)mib << 20) die("disk too small", size);
  const size_t big = 1 << 20;
  unsigned char *buf, *chk;
  if (posix_memalign((void **)&buf, 4096, big) || posix_memalign((void **)&chk, 4096, big)) die("memory", 0);

  pattern(buf, big);
  pattern(chk, big);

  double t = now();
  for (long i = 0; i < mib; i++) {
    stamp(buf, big, (uint64_t)i << 20);
    if (pwrite(fd, buf, big, (off_t)i << 20) != (ssize_t)big) die("write", i);
  }
  if (fdatasync(fd)) die("fdatasync", 0);
  printf("seq-write %.2f MiB/s\n", mib / (now() - t));

  t = now();
  for (long i = 0; i < mib; i++)
    if (pread(fd, buf, big, (off_t)i << 20) != (ssize_t)big) die("read", i);
  printf("seq-read %.2f MiB/s\n", mib / (now() - t));
  // Checked outside the timed loops, so that the guest's CPU speed does not weigh on the figures.
  for (long i = 0; i < mib; i++) {
    if (pread(fd, buf, big, (off_t)i << 20) != (ssize_t)big) die("read", i);
    stamp(chk, big, (uint64_t)i << 20);
    if (memcmp(buf, chk, big)) die("sequential data mismatch", i);
  }

  const long blocks = size / 4096;
  off_t *offs = malloc(ops * sizeof *offs);
  for (long i = 0; i < ops; i++) offs[i] = (off_t)(next() % blocks) * 4096;
  t = now();
  for (long i = 0; i < ops; i++) {
    stamp(buf, 4096, offs[i]);
    if (pwrite(fd, buf, 4096, offs[i]) != 4096) die("random write", offs[i]);
  }
  if (fdatasync(fd)) die("fdatasync", 0);
  printf("rand-write %.0f IOPS\n", ops / (now() - t));

  t = now();
  for (long i = 0; i < ops; i++)
    if (pread(fd, buf, 4096, offs[i]) != 4096) die("random read", offs[i]);
  printf("rand-read %.0f IOPS\n", ops / (now() - t));
  for (long i = 0; i < ops; i++) {
    if (pread(fd, buf, 4096, offs[i]) != 4096) die("random read", offs[i]);
    stamp(chk, 4096, offs[i]);
    if (memcmp(buf, chk, 4096)) die("random data mismatch", offs[i]);
  }
  return 0;
}
