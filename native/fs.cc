// The *at() file system calls hostfs needs and Node lacks (openat2 with its RESOLVE_*
// confinement above all), nothing else: which path, which flags and what an error
// means to the guest are decided in TypeScript (src/host/fs).
//
// Conventions: every call returns -errno on failure instead of throwing, since the
// 9P server hands errno values straight to the guest. Paths are byte strings: each
// JS character is one byte (latin1), so that any host name survives the round trip.

#include <napi.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <climits>
#include <string>
#include <vector>

namespace {

std::string Bytes(const Napi::CallbackInfo &info, size_t i) {
  napi_env env = info.Env();
  napi_value v = info[i];
  size_t len = 0;
  if (napi_get_value_string_latin1(env, v, nullptr, 0, &len) != napi_ok) {
    Napi::TypeError::New(info.Env(), "expected a byte string").ThrowAsJavaScriptException();
    return std::string();
  }
  std::string s(len, '\0');
  napi_get_value_string_latin1(env, v, &s[0], len + 1, &len);
  return s;
}

int Int(const Napi::CallbackInfo &info, size_t i) {
  return info[i].As<Napi::Number>().Int32Value();
}

Napi::Value Ret(Napi::Env env, long r) {
  return Napi::Number::New(env, r < 0 ? -errno : r);
}

// A NUL inside a name would silently cut it short: refuse it here too.
bool HasNul(const std::string &s) { return s.find('\0') != std::string::npos; }

#define NAME(var, i)                                                        \
  std::string var = Bytes(info, i);                                         \
  if (env.IsExceptionPending()) return env.Undefined();                     \
  if (HasNul(var)) return Napi::Number::New(env, -EINVAL);

Napi::Value Openat2(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  NAME(path, 1);
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = (uint64_t)(uint32_t)Int(info, 2) | O_CLOEXEC;
  how.mode = (uint64_t)(uint32_t)Int(info, 3);
  how.resolve = (uint64_t)(uint32_t)Int(info, 4);
  // openat2 refuses a mode without O_CREAT/O_TMPFILE.
  if (!(how.flags & O_CREAT) && (how.flags & O_TMPFILE) != O_TMPFILE) how.mode = 0;
  return Ret(env, syscall(SYS_openat2, Int(info, 0), path.c_str(), &how, sizeof how));
}

Napi::Value Mkdirat(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  NAME(name, 1);
  return Ret(env, mkdirat(Int(info, 0), name.c_str(), (mode_t)Int(info, 2)));
}

Napi::Value Mknodat(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  NAME(name, 1);
  dev_t dev = makedev((unsigned)Int(info, 3), (unsigned)Int(info, 4));
  return Ret(env, mknodat(Int(info, 0), name.c_str(), (mode_t)Int(info, 2), dev));
}

Napi::Value Unlinkat(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  NAME(name, 1);
  return Ret(env, unlinkat(Int(info, 0), name.c_str(), Int(info, 2)));
}

Napi::Value Renameat2(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  NAME(from, 1);
  NAME(to, 3);
  return Ret(env, syscall(SYS_renameat2, Int(info, 0), from.c_str(), Int(info, 2), to.c_str(), (unsigned)Int(info, 4)));
}

Napi::Value Linkat(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  NAME(from, 1);
  NAME(to, 3);
  return Ret(env, linkat(Int(info, 0), from.c_str(), Int(info, 2), to.c_str(), Int(info, 4)));
}

Napi::Value Symlinkat(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  NAME(target, 0);
  NAME(name, 2);
  return Ret(env, symlinkat(target.c_str(), Int(info, 1), name.c_str()));
}

// The link's target as a byte string, or -errno.
Napi::Value Readlinkat(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  NAME(name, 1);
  char buf[PATH_MAX];
  ssize_t n = readlinkat(Int(info, 0), name.c_str(), buf, sizeof buf);
  if (n < 0) return Napi::Number::New(env, -errno);
  napi_value s;
  napi_create_string_latin1(env, buf, (size_t)n, &s);
  return Napi::Value(env, s);
}

// struct stat into a Float64Array of 18: dev, ino (high, low 32 bits), mode, nlink, uid,
// gid, rdev major, rdev minor, size, blksize, blocks, atime s/ns, mtime s/ns, ctime s/ns.
Napi::Value Fstatat(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  NAME(name, 1);
  Napi::Float64Array out = info[3].As<Napi::Float64Array>();
  if (out.ElementLength() < 18) return Napi::Number::New(env, -EINVAL);
  struct stat st;
  if (fstatat(Int(info, 0), name.c_str(), &st, Int(info, 2)) < 0) return Napi::Number::New(env, -errno);
  double *o = out.Data();
  o[0] = (double)st.st_dev;
  o[1] = (double)(uint32_t)((uint64_t)st.st_ino >> 32);
  o[2] = (double)(uint32_t)st.st_ino;
  o[3] = st.st_mode;
  o[4] = (double)st.st_nlink;
  o[5] = st.st_uid;
  o[6] = st.st_gid;
  o[7] = major(st.st_rdev);
  o[8] = minor(st.st_rdev);
  o[9] = (double)st.st_size;
  o[10] = (double)st.st_blksize;
  o[11] = (double)st.st_blocks;
  o[12] = (double)st.st_atim.tv_sec;
  o[13] = (double)st.st_atim.tv_nsec;
  o[14] = (double)st.st_mtim.tv_sec;
  o[15] = (double)st.st_mtim.tv_nsec;
  o[16] = (double)st.st_ctim.tv_sec;
  o[17] = (double)st.st_ctim.tv_nsec;
  return Napi::Number::New(env, 0);
}

Napi::Value Fchownat(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  NAME(name, 1);
  return Ret(env, fchownat(Int(info, 0), name.c_str(), (uid_t)(uint32_t)info[2].As<Napi::Number>().Int64Value(),
                           (gid_t)(uint32_t)info[3].As<Napi::Number>().Int64Value(), Int(info, 4)));
}

Napi::Value Fchmodat(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  NAME(name, 1);
  return Ret(env, fchmodat(Int(info, 0), name.c_str(), (mode_t)Int(info, 2), 0));
}

// times: Float64Array [atime s, atime ns, mtime s, mtime ns]; ns may be UTIME_NOW/UTIME_OMIT.
Napi::Value Utimensat(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  NAME(name, 1);
  Napi::Float64Array t = info[2].As<Napi::Float64Array>();
  if (t.ElementLength() < 4) return Napi::Number::New(env, -EINVAL);
  struct timespec ts[2];
  ts[0].tv_sec = (time_t)t[0];
  ts[0].tv_nsec = (long)t[1];
  ts[1].tv_sec = (time_t)t[2];
  ts[1].tv_nsec = (long)t[3];
  return Ret(env, utimensat(Int(info, 0), name.c_str(), ts, Int(info, 3)));
}

Napi::Value Getdents64(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Napi::Uint8Array buf = info[1].As<Napi::Uint8Array>();
  return Ret(env, syscall(SYS_getdents64, Int(info, 0), buf.Data(), buf.ByteLength()));
}

// Directory offsets are 64-bit cookies (ext4 hashes): BigInt in, BigInt out (-errno on failure).
Napi::Value Lseek(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  bool lossless;
  int64_t off = info[1].As<Napi::BigInt>().Int64Value(&lossless);
  off_t r = lseek(Int(info, 0), (off_t)off, Int(info, 2));
  return Napi::BigInt::New(env, (int64_t)(r < 0 ? -errno : r));
}

// struct statfs into a Float64Array of 9: type, bsize, blocks, bfree, bavail, files, ffree,
// fsid (as one number of its two words' xor), namelen.
Napi::Value Fstatfs(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Napi::Float64Array out = info[1].As<Napi::Float64Array>();
  if (out.ElementLength() < 9) return Napi::Number::New(env, -EINVAL);
  struct statfs s;
  if (fstatfs(Int(info, 0), &s) < 0) return Napi::Number::New(env, -errno);
  double *o = out.Data();
  o[0] = (double)s.f_type;
  o[1] = (double)s.f_bsize;
  o[2] = (double)s.f_blocks;
  o[3] = (double)s.f_bfree;
  o[4] = (double)s.f_bavail;
  o[5] = (double)s.f_files;
  o[6] = (double)s.f_ffree;
  int fsid[2];
  memcpy(fsid, &s.f_fsid, sizeof fsid);
  o[7] = (double)(uint32_t)(fsid[0] ^ fsid[1]);
  o[8] = (double)s.f_namelen;
  return Napi::Number::New(env, 0);
}

// xattrs by path (the caller passes /proc/self/fd/N of a descriptor it opened beneath
// its root). A zero-length buffer asks for the size.
Napi::Value Getxattr(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  NAME(path, 0);
  NAME(name, 1);
  Napi::Uint8Array buf = info[2].As<Napi::Uint8Array>();
  return Ret(env, getxattr(path.c_str(), name.c_str(), buf.ByteLength() ? buf.Data() : nullptr, buf.ByteLength()));
}

Napi::Value Setxattr(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  NAME(path, 0);
  NAME(name, 1);
  Napi::Uint8Array buf = info[2].As<Napi::Uint8Array>();
  return Ret(env, setxattr(path.c_str(), name.c_str(), buf.Data(), buf.ByteLength(), Int(info, 3)));
}

Napi::Value Listxattr(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  NAME(path, 0);
  Napi::Uint8Array buf = info[1].As<Napi::Uint8Array>();
  return Ret(env, listxattr(path.c_str(), buf.ByteLength() ? (char *)buf.Data() : nullptr, buf.ByteLength()));
}

Napi::Value Removexattr(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  NAME(path, 0);
  NAME(name, 1);
  return Ret(env, removexattr(path.c_str(), name.c_str()));
}

// preadv2/pwritev2 with RWF_NOWAIT at a byte offset (a double: files up to 2^53): served
// from the page cache at once, or -EAGAIN (-EOPNOTSUPP where the file cannot) without
// blocking, so the caller can take the thread pool for what would wait on a disk or a pipe.
Napi::Value IoNowait(const Napi::CallbackInfo &info, bool write) {
  Napi::Env env = info.Env();
  Napi::Uint8Array buf = info[1].As<Napi::Uint8Array>();
  double pos = info[2].As<Napi::Number>().DoubleValue();
  if (pos < 0 || pos > 9007199254740992.0) return Napi::Number::New(env, -EINVAL);
  struct iovec iov = {buf.Data(), buf.ByteLength()};
  ssize_t r = write ? pwritev2(Int(info, 0), &iov, 1, (off_t)pos, RWF_NOWAIT)
                    : preadv2(Int(info, 0), &iov, 1, (off_t)pos, RWF_NOWAIT);
  return Ret(env, r);
}

Napi::Value PreadNowait(const Napi::CallbackInfo &info) { return IoNowait(info, false); }

// preadv2 with RWF_NOWAIT into an array of Uint8Arrays (a scattering read into guest
// buffers, at most IOV_MAX of them); same results as preadNowait.
Napi::Value PreadvNowait(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Napi::Array bufs = info[1].As<Napi::Array>();
  double pos = info[2].As<Napi::Number>().DoubleValue();
  if (pos < 0 || pos > 9007199254740992.0) return Napi::Number::New(env, -EINVAL);
  uint32_t n = bufs.Length();
  if (n == 0 || n > IOV_MAX) return Napi::Number::New(env, -EINVAL);
  std::vector<struct iovec> iov(n);
  for (uint32_t i = 0; i < n; i++) {
    Napi::Value v = bufs.Get(i);
    if (!v.IsTypedArray()) return Napi::Number::New(env, -EINVAL);
    Napi::Uint8Array b = v.As<Napi::Uint8Array>();
    iov[i].iov_base = b.Data();
    iov[i].iov_len = b.ByteLength();
  }
  return Ret(env, preadv2(Int(info, 0), iov.data(), (int)n, (off_t)pos, RWF_NOWAIT));
}
Napi::Value PwriteNowait(const Napi::CallbackInfo &info) { return IoNowait(info, true); }

}  // namespace

void RegisterFs(Napi::Env env, Napi::Object exports) {
  Napi::Object fs = Napi::Object::New(env);
  auto fn = [&](const char *name, Napi::Value (*f)(const Napi::CallbackInfo &)) {
    fs.Set(name, Napi::Function::New(env, f, name));
  };
  fn("openat2", Openat2);
  fn("mkdirat", Mkdirat);
  fn("mknodat", Mknodat);
  fn("unlinkat", Unlinkat);
  fn("renameat2", Renameat2);
  fn("linkat", Linkat);
  fn("symlinkat", Symlinkat);
  fn("readlinkat", Readlinkat);
  fn("fstatat", Fstatat);
  fn("fchownat", Fchownat);
  fn("fchmodat", Fchmodat);
  fn("utimensat", Utimensat);
  fn("getdents64", Getdents64);
  fn("lseek", Lseek);
  fn("fstatfs", Fstatfs);
  fn("getxattr", Getxattr);
  fn("setxattr", Setxattr);
  fn("listxattr", Listxattr);
  fn("removexattr", Removexattr);
  fn("preadNowait", PreadNowait);
  fn("preadvNowait", PreadvNowait);
  fn("pwriteNowait", PwriteNowait);

  Napi::Object c = Napi::Object::New(env);
#define C(x) c.Set(#x, Napi::Number::New(env, x));
  C(O_PATH) C(O_NOFOLLOW) C(O_DIRECTORY) C(O_CREAT) C(O_EXCL) C(O_TRUNC) C(O_APPEND)
  C(O_RDONLY) C(O_WRONLY) C(O_RDWR) C(O_NONBLOCK) C(O_DSYNC) C(O_SYNC) C(O_DIRECT)
  C(O_LARGEFILE) C(O_NOATIME) C(O_NOCTTY) C(O_CLOEXEC)
  C(RESOLVE_BENEATH) C(RESOLVE_IN_ROOT) C(RESOLVE_NO_MAGICLINKS) C(RESOLVE_NO_SYMLINKS) C(RESOLVE_NO_XDEV)
  C(AT_FDCWD) C(AT_SYMLINK_NOFOLLOW) C(AT_EMPTY_PATH) C(AT_REMOVEDIR) C(AT_SYMLINK_FOLLOW)
  C(RENAME_NOREPLACE) C(RENAME_EXCHANGE) C(RENAME_WHITEOUT)
  C(UTIME_NOW) C(UTIME_OMIT) C(SEEK_SET) C(SEEK_CUR) C(SEEK_END)
  C(XATTR_CREATE) C(XATTR_REPLACE)
#undef C
  fs.Set("constants", c);
  exports.Set("fs", fs);
}
