// hostfs benchmark, run in the guest on a hostfs mount (the same program under tuml and
// QEMU): untar a source tree, walk and stat it, sequential write and read of a large file
// in 1 MiB requests, small-file create and delete. Prints "<test> <value> <unit>" lines;
// reads are checked against what was written (a sample of every page).
#define _GNU_SOURCE
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static long entries;
static int visit(const char *p, const struct stat *st, int flag, struct FTW *f) {
  struct stat s;
  if (lstat(p, &s) < 0) die("lstat");
  entries++;
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: fsbench DIR TARBALL MIB\n");
    return 2;
  }
  const char *dir = argv[1], *tarball = argv[2];
  long mib = atol(argv[3]);
  char path[4096], cmd[8192];
  double t;

  snprintf(path, sizeof path, "%s/tree", dir);
  mkdir(path, 0755);
  snprintf(cmd, sizeof cmd, "tar -xf %s -C %s", tarball, path);
  t = now();
  if (system(cmd) != 0) die("tar");
  printf("untar %.3f s\n", now() - t);

  t = now();
  if (nftw(path, visit, 64, FTW_PHYS) < 0) die("nftw");
  double dt = now() - t;
  printf("find-stat %.0f entries/s (%ld entries)\n", entries / dt, entries);

  char *buf = malloc(1 << 20);
  for (int i = 0; i < (1 << 20); i++) buf[i] = (char)(i * 7 + 3);
  snprintf(path, sizeof path, "%s/big", dir);
  int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
  if (fd < 0) die("open big");
  t = now();
  for (long i = 0; i < mib; i++) {
    buf[0] = (char)i;
    if (write(fd, buf, 1 << 20) != 1 << 20) die("write");
  }
  if (fsync(fd) < 0) die("fsync");
  printf("seq-write %.2f MiB/s\n", mib / (now() - t));
  close(fd);

  char *rb = malloc(1 << 20);
  fd = open(path, O_RDONLY);
  if (fd < 0) die("open big");
  t = now();
  for (long i = 0; i < mib; i++) {
    size_t got = 0;
    while (got < (1 << 20)) {
      ssize_t n = read(fd, rb + got, (1 << 20) - got);
      if (n <= 0) die("read");
      got += n;
    }
    // Sampled check (the MiB's tag byte and one word per 4 KiB page): a full memcmp would
    // time the guest CPU rather than the file system.
    buf[0] = (char)i;
    for (int o = 0; o < (1 << 20); o += 4096) {
      if (memcmp(buf + o, rb + o, 8)) {
        fprintf(stderr, "data mismatch at MiB %ld + %d\n", i, o);
        return 1;
      }
    }
  }
  printf("seq-read %.2f MiB/s\n", mib / (now() - t));
  close(fd);
  unlink(path);

  int files = 500;
  snprintf(path, sizeof path, "%s/small", dir);
  mkdir(path, 0755);
  t = now();
  for (int i = 0; i < files; i++) {
    snprintf(path, sizeof path, "%s/small/f%d", dir, i);
    fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
    if (fd < 0 || write(fd, buf, 1024) != 1024) die("create");
    close(fd);
  }
  for (int i = 0; i < files; i++) {
    snprintf(path, sizeof path, "%s/small/f%d", dir, i);
    if (unlink(path) < 0) die("unlink");
  }
  printf("small-files %.0f files/s\n", files / (now() - t));
  return 0;
}
