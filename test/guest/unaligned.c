/*
 * Misaligned accesses that run into pages the kernel has not populated yet, from a
 * dynamically linked program under Debian's glibc. Under a kernel that reports fast
 * misaligned access (hwprobe), glibc's memcpy is its unaligned variant, whose tail is
 * one misaligned doubleword store that can straddle into a fresh page; the CPU must
 * name that page in stval or the kernel faults the already-present page in forever.
 *
 * Prints one line per group and "unaligned: ok" at the end; exit status 0 on success.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096

static int failures;

#define EXPECT(cond, ...)                   \
  do {                                      \
    if (!(cond)) {                          \
      printf("FAIL %s:%d: ", __FILE__, __LINE__); \
      printf(__VA_ARGS__);                  \
      printf("\n");                         \
      failures++;                           \
    }                                       \
  } while (0)

/* Through a volatile pointer, so the compiler calls glibc's memcpy for every size. */
static void *(*volatile copy)(void *, const void *, size_t) = memcpy;

static unsigned char pattern(size_t i) {
  return (unsigned char)(i * 131 + (i >> 8) + 7);
}

/* riscv_hwprobe (syscall 258): CPUPERF_0 (key 5) holds the misaligned-access speed the
 * kernel measured at boot; 3 = fast, what makes glibc pick its unaligned string functions. */
static long misaligned_perf(void) {
  struct { int64_t key; uint64_t value; } p = { 5, 0 };
  if (syscall(258, &p, 1, 0, NULL, 0) != 0 || p.key != 5) return -1;
  return (long)(p.value & 7);
}

/* Fresh heap: malloc'd blocks above the previous top of the heap are pages nobody has
 * touched. Copies end 1..7 bytes into such a page, from sources at every misalignment. */
static void heap_copies(void) {
  int n = 0;
  unsigned char *src = malloc(3 * PAGE + 64);
  for (size_t i = 0; i < 3 * PAGE + 64; i++) src[i] = pattern(i);
  for (int tail = 1; tail < 8; tail++) {
    for (int soff = 0; soff < 8; soff++) {
      unsigned char *blk = malloc(6 * PAGE);
      /* the first page boundary at least 2 pages into the block: the next page is fresh */
      unsigned char *edge = (unsigned char *)(((uintptr_t)blk + 3 * PAGE) & ~(uintptr_t)(PAGE - 1));
      size_t len = 2 * PAGE + 40 + (size_t)tail;
      unsigned char *dst = edge + tail - len;
      copy(dst, src + soff, len);
      int bad = 0;
      for (size_t i = 0; i < len; i++) bad += dst[i] != pattern(i + soff);
      EXPECT(bad == 0, "heap copy tail=%d soff=%d: %d wrong bytes", tail, soff, bad);
      /* and back: a misaligned source whose last doubleword straddles into the fresh page */
      unsigned char *back = malloc(len + 16);
      unsigned char *zero = edge + PAGE - 3;   /* 3 bytes before the page after `edge` */
      copy(back + 1, zero - 200, 203 + 5);      /* ends 5 bytes into an untouched page */
      bad = 0;
      for (int i = 0; i < 208; i++) bad += back[1 + i] != 0;
      EXPECT(bad == 0, "copy from fresh heap: %d non-zero bytes", bad);
      free(back);
      n++;
      /* blk is never freed, so the next block comes from above it: fresh pages again */
    }
  }
  free(src);
  printf("heap copies: %d\n", n);
}

/* Direct misaligned loads and stores across the boundary of two fresh anonymous pages,
 * the first populated, the second not. */
static void direct_accesses(void) {
  int n = 0;
  for (int off = 1; off < 8; off++) {
    unsigned char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m[0] = 1;
    uint64_t v = 0x1122334455667788ull, r;
    unsigned char *p = m + PAGE - off;
    __asm__ volatile("sd %1, 0(%0)" : : "r"(p), "r"(v) : "memory");
    __asm__ volatile("ld %0, 0(%1)" : "=r"(r) : "r"(p) : "memory");
    EXPECT(r == v, "sd/ld at page end - %d: %llx", off, (unsigned long long)r);
    EXPECT(m[PAGE] == (unsigned char)(v >> (8 * off)), "second page byte 0 at off %d", off);
    munmap(m, 2 * PAGE);

    m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m[0] = 1;
    memset(m + PAGE - 8, 0xab, 8);
    p = m + PAGE - off;
    __asm__ volatile("ld %0, 0(%1)" : "=r"(r) : "r"(p) : "memory");   /* second page: zero page */
    uint64_t want = 0;
    for (int i = 0; i < off; i++) want |= (uint64_t)0xab << (8 * i);
    EXPECT(r == want, "ld into an untouched page at off %d: %llx", off, (unsigned long long)r);
    if (off < 4) {
      uint32_t w;
      p = m + PAGE - off;
      __asm__ volatile("sw %1, 0(%0)" : : "r"(p), "r"(0xdeadbeefu) : "memory");
      __asm__ volatile("lwu %0, 0(%1)" : "=r"(w) : "r"(p) : "memory");
      EXPECT(w == 0xdeadbeefu, "sw/lwu at off %d: %x", off, w);
    }
    if (off == 1) {
      double d = 2.5, e;
      munmap(m, 2 * PAGE);
      m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      m[0] = 1;
      p = m + PAGE - 3;
      __asm__ volatile("fsd %1, 0(%0)" : : "r"(p), "f"(d) : "memory");
      __asm__ volatile("fld %0, 0(%1)" : "=f"(e) : "r"(p) : "memory");
      EXPECT(e == d, "fsd/fld across a fresh page");
    }
    munmap(m, 2 * PAGE);
    n++;
  }
  printf("direct accesses: %d\n", n);
}

/* A misaligned store whose second page is read-only: SIGSEGV with si_addr = that page. */
static sigjmp_buf jb;
static void *fault_addr;
static void on_segv(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  (void)uc;
  fault_addr = si->si_addr;
  siglongjmp(jb, 1);
}

static void read_only_second_page(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);
  unsigned char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  m[0] = 1;
  m[PAGE] = 2;
  mprotect(m + PAGE, PAGE, PROT_READ);
  fault_addr = NULL;
  if (sigsetjmp(jb, 1) == 0) {
    unsigned char *p = m + PAGE - 4;
    __asm__ volatile("sd %1, 0(%0)" : : "r"(p), "r"(0x0102030405060708ull) : "memory");
    EXPECT(0, "store onto a read-only page did not fault");
  }
  EXPECT(fault_addr == m + PAGE, "SIGSEGV si_addr %p, want %p", fault_addr, (void *)(m + PAGE));
  EXPECT(m[PAGE] == 2, "read-only page written");
  signal(SIGSEGV, SIG_DFL);
  munmap(m, 2 * PAGE);
  printf("read-only second page: si_addr %s\n", fault_addr == m + PAGE ? "is the second page" : "wrong");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  long perf = misaligned_perf();
  printf("misaligned access: %s\n", perf == 3 ? "fast" : perf == 2 ? "slow" : perf == 1 ? "emulated" : "unknown");
  heap_copies();
  direct_accesses();
  read_only_second_page();
  if (failures) {
    printf("unaligned: %d failures\n", failures);
    return 1;
  }
  printf("unaligned: ok\n");
  return 0;
}
