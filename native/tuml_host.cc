// The host system calls Node lacks, and nothing else: every policy (which lock,
// which address, what to do on EAGAIN) lives in TypeScript (src/host/native).
//
// Conventions: calls that may fail for ordinary reasons throw an Error shaped
// like Node's fs errors (code, errno > 0, syscall). The I/O calls used per
// packet or per chunk (read, write, sendToUnix, recvFromUnix) return -errno
// instead, so the hot path neither throws nor allocates.

#include <napi.h>
#include <uv.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <pty.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

void RegisterDirfd(Napi::Env env, Napi::Object exports);  // dirfd.cc
void RegisterFs(Napi::Env env, Napi::Object exports);
void RegisterNet(Napi::Env env, Napi::Object exports);

namespace {

Napi::Error ErrnoError(Napi::Env env, int err, const char *syscall) {
  Napi::Error e = Napi::Error::New(env, std::string(syscall) + ": " + strerror(err));
  const char *name = nullptr;
  switch (err) {
#define E(x) case x: name = #x; break;
    E(EAGAIN) E(EACCES) E(EPERM) E(ENOENT) E(EEXIST) E(EBADF) E(EINVAL) E(ENOTTY)
    E(EOPNOTSUPP) E(ENOSYS) E(EADDRINUSE) E(ECONNREFUSED) E(ENOTCONN) E(EMSGSIZE)
    E(ENAMETOOLONG) E(EROFS) E(ENOSPC) E(EIO) E(EBUSY) E(ENODEV) E(ENXIO) E(EINTR)
    E(EDEADLK) E(ENOLCK) E(EAFNOSUPPORT) E(EPROTONOSUPPORT) E(ENOBUFS) E(ENOMEM)
    E(ENOTSOCK) E(EISCONN) E(EDESTADDRREQ) E(EFBIG) E(ESPIPE)
#undef E
    default: break;
  }
  e.Set("code", name ? Napi::String::New(env, name) : Napi::String::New(env, "E" + std::to_string(err)));
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("syscall", Napi::String::New(env, syscall));
  return e;
}

#define THROW_ERRNO(env, call)                          \
  do {                                                  \
    ErrnoError(env, errno, call).ThrowAsJavaScriptException(); \
    return env.Undefined();                             \
  } while (0)

int ArgInt(const Napi::CallbackInfo &info, size_t i, int dflt = 0) {
  if (info.Length() <= i || info[i].IsUndefined()) return dflt;
  return info[i].As<Napi::Number>().Int32Value();
}

int64_t ArgI64(const Napi::CallbackInfo &info, size_t i, int64_t dflt = 0) {
  if (info.Length() <= i || info[i].IsUndefined()) return dflt;
  return info[i].As<Napi::Number>().Int64Value();
}

// A byte range of a Uint8Array argument, clamped by the caller-checked offset/length.
bool ArgBytes(const Napi::CallbackInfo &info, size_t i, uint8_t **data, size_t *len) {
  if (info.Length() <= i || !info[i].IsTypedArray()) {
    Napi::TypeError::New(info.Env(), "expected a Uint8Array").ThrowAsJavaScriptException();
    return false;
  }
  Napi::Uint8Array a = info[i].As<Napi::Uint8Array>();
  size_t off = info.Length() > i + 1 && !info[i + 1].IsUndefined() ? info[i + 1].As<Napi::Number>().Int64Value() : 0;
  size_t n = a.ByteLength();
  if (off > n) {
    Napi::RangeError::New(info.Env(), "offset out of range").ThrowAsJavaScriptException();
    return false;
  }
  size_t want = info.Length() > i + 2 && !info[i + 2].IsUndefined() ? info[i + 2].As<Napi::Number>().Int64Value() : n - off;
  if (want > n - off) {
    Napi::RangeError::New(info.Env(), "length out of range").ThrowAsJavaScriptException();
    return false;
  }
  *data = a.Data() + off;
  *len = want;
  return true;
}

// sockaddr_un from a string or Buffer; a leading NUL byte makes it abstract.
bool UnixAddr(Napi::Env env, Napi::Value v, sockaddr_un *sa, socklen_t *len) {
  memset(sa, 0, sizeof *sa);
  sa->sun_family = AF_UNIX;
  std::string bytes;
  if (v.IsBuffer()) {
    Napi::Buffer<char> b = v.As<Napi::Buffer<char>>();
    bytes.assign(b.Data(), b.Length());
  } else if (v.IsString()) {
    bytes = v.As<Napi::String>().Utf8Value();
  } else {
    Napi::TypeError::New(env, "expected a socket path").ThrowAsJavaScriptException();
    return false;
  }
  if (bytes.empty() || bytes.size() > sizeof sa->sun_path - (bytes[0] == 0 ? 0 : 1)) {
    ErrnoError(env, bytes.empty() ? EINVAL : ENAMETOOLONG, "sockaddr_un").ThrowAsJavaScriptException();
    return false;
  }
  memcpy(sa->sun_path, bytes.data(), bytes.size());
  // Abstract addresses are exactly as long as given; paths are NUL-terminated.
  *len = offsetof(sockaddr_un, sun_path) + bytes.size() + (bytes[0] == 0 ? 0 : 1);
  return true;
}

Napi::Value AddrValue(Napi::Env env, const sockaddr_un *sa, socklen_t len) {
  if (len <= offsetof(sockaddr_un, sun_path)) return env.Null();
  size_t n = len - offsetof(sockaddr_un, sun_path);
  // Pathname addresses may carry their terminating NUL; abstract ones keep every byte.
  if (n > 0 && sa->sun_path[0] != 0) n = strnlen(sa->sun_path, n);
  return Napi::Buffer<char>::Copy(env, sa->sun_path, n);
}

// ------------------------------------------------------------------ files

Napi::Value Lock(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int fd = ArgInt(info, 0);
  std::string kind = info[1].As<Napi::String>().Utf8Value();
  struct flock fl = {};
  fl.l_type = kind == "read" ? F_RDLCK : kind == "write" ? F_WRLCK : F_UNLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = ArgI64(info, 2);
  fl.l_len = ArgI64(info, 3);
  if (fcntl(fd, F_SETLK, &fl) < 0) THROW_ERRNO(env, "fcntl");
  return env.Undefined();
}

Napi::Value LockHolder(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int fd = ArgInt(info, 0);
  std::string kind = info[1].As<Napi::String>().Utf8Value();
  struct flock fl = {};
  fl.l_type = kind == "read" ? F_RDLCK : F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = ArgI64(info, 2);
  fl.l_len = ArgI64(info, 3);
  if (fcntl(fd, F_GETLK, &fl) < 0) THROW_ERRNO(env, "fcntl");
  if (fl.l_type == F_UNLCK) return env.Null();
  return Napi::Number::New(env, fl.l_pid);
}

Napi::Value Fallocate(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (fallocate(ArgInt(info, 0), ArgInt(info, 1), ArgI64(info, 2), ArgI64(info, 3)) < 0) THROW_ERRNO(env, "fallocate");
  return env.Undefined();
}

// ------------------------------------------------------------------ sockets

Napi::Value Socket(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int fd = socket(ArgInt(info, 0), ArgInt(info, 1) | SOCK_NONBLOCK | SOCK_CLOEXEC, ArgInt(info, 2));
  if (fd < 0) THROW_ERRNO(env, "socket");
  return Napi::Number::New(env, fd);
}

// socketPair(domain, type): both ends close-on-exec and non-blocking; a helper's end
// reaches it through spawn's stdio (dup2 clears close-on-exec there).
Napi::Value SocketPair(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int sv[2];
  if (socketpair(ArgInt(info, 0), ArgInt(info, 1) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0) THROW_ERRNO(env, "socketpair");
  Napi::Array a = Napi::Array::New(env, 2);
  a.Set(uint32_t(0), Napi::Number::New(env, sv[0]));
  a.Set(uint32_t(1), Napi::Number::New(env, sv[1]));
  return a;
}

Napi::Value BindUnix(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  sockaddr_un sa;
  socklen_t len;
  if (!UnixAddr(env, info[1], &sa, &len)) return env.Undefined();
  if (bind(ArgInt(info, 0), reinterpret_cast<sockaddr *>(&sa), len) < 0) THROW_ERRNO(env, "bind");
  return env.Undefined();
}

Napi::Value ConnectUnix(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  sockaddr_un sa;
  socklen_t len;
  if (!UnixAddr(env, info[1], &sa, &len)) return env.Undefined();
  if (connect(ArgInt(info, 0), reinterpret_cast<sockaddr *>(&sa), len) < 0) THROW_ERRNO(env, "connect");
  return env.Undefined();
}

Napi::Value SendToUnix(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  uint8_t *data;
  size_t n;
  if (info.Length() < 2 || !info[1].IsTypedArray()) {
    Napi::TypeError::New(env, "expected a Uint8Array").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Uint8Array a = info[1].As<Napi::Uint8Array>();
  data = a.Data();
  n = a.ByteLength();
  ssize_t r;
  if (info.Length() > 2 && !info[2].IsNull() && !info[2].IsUndefined()) {
    sockaddr_un sa;
    socklen_t len;
    if (!UnixAddr(env, info[2], &sa, &len)) return env.Undefined();
    r = sendto(ArgInt(info, 0), data, n, MSG_DONTWAIT | MSG_NOSIGNAL, reinterpret_cast<sockaddr *>(&sa), len);
  } else {
    r = send(ArgInt(info, 0), data, n, MSG_DONTWAIT | MSG_NOSIGNAL);
  }
  return Napi::Number::New(env, r < 0 ? -errno : r);
}

Napi::Value RecvFromUnix(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  uint8_t *data;
  size_t n;
  if (!ArgBytes(info, 1, &data, &n)) return env.Undefined();
  sockaddr_un sa;
  socklen_t len = sizeof sa;
  memset(&sa, 0, sizeof sa);
  ssize_t r = recvfrom(ArgInt(info, 0), data, n, MSG_DONTWAIT | MSG_TRUNC, reinterpret_cast<sockaddr *>(&sa), &len);
  Napi::Object out = Napi::Object::New(env);
  out.Set("n", Napi::Number::New(env, r < 0 ? -errno : r));
  out.Set("from", r < 0 ? env.Null() : AddrValue(env, &sa, len));
  return out;
}

Napi::Value GetSockName(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  sockaddr_un sa;
  socklen_t len = sizeof sa;
  memset(&sa, 0, sizeof sa);
  if (getsockname(ArgInt(info, 0), reinterpret_cast<sockaddr *>(&sa), &len) < 0) THROW_ERRNO(env, "getsockname");
  Napi::Value v = AddrValue(env, &sa, len);
  return v.IsNull() ? Napi::Buffer<char>::New(env, 0) : v;
}

// ------------------------------------------------------------------ plain fd I/O

Napi::Value Read(const Napi::CallbackInfo &info) {
  uint8_t *data;
  size_t n;
  if (!ArgBytes(info, 1, &data, &n)) return info.Env().Undefined();
  ssize_t r = read(ArgInt(info, 0), data, n);
  return Napi::Number::New(info.Env(), r < 0 ? -errno : r);
}

Napi::Value Write(const Napi::CallbackInfo &info) {
  uint8_t *data;
  size_t n;
  if (!ArgBytes(info, 1, &data, &n)) return info.Env().Undefined();
  ssize_t r = write(ArgInt(info, 0), data, n);
  return Napi::Number::New(info.Env(), r < 0 ? -errno : r);
}

Napi::Value SetNonBlocking(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int fd = ArgInt(info, 0);
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0) THROW_ERRNO(env, "fcntl");
  fl = info[1].ToBoolean() ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
  if (fcntl(fd, F_SETFL, fl) < 0) THROW_ERRNO(env, "fcntl");
  return env.Undefined();
}

Napi::Value Close(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (close(ArgInt(info, 0)) < 0 && errno != EINTR) THROW_ERRNO(env, "close");
  return env.Undefined();
}

// ------------------------------------------------------------------ readiness

// One uv_poll_t per fd on the main loop. The handle memory is freed in the
// close callback, which may run after the JS object is gone.
class Poller : public Napi::ObjectWrap<Poller> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "Poller", {
      InstanceMethod("start", &Poller::Start),
      InstanceMethod("stop", &Poller::Stop),
      InstanceMethod("close", &Poller::Close),
    });
  }

  Poller(const Napi::CallbackInfo &info) : Napi::ObjectWrap<Poller>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[1].IsFunction()) {
      Napi::TypeError::New(env, "Poller(fd, callback)").ThrowAsJavaScriptException();
      return;
    }
    uv_loop_t *loop;
    napi_get_uv_event_loop(env, &loop);
    handle_ = new uv_poll_t;
    int r = uv_poll_init(loop, handle_, ArgInt(info, 0));
    if (r < 0) {
      delete handle_;
      handle_ = nullptr;
      ErrnoError(env, -r, "uv_poll_init").ThrowAsJavaScriptException();
      return;
    }
    handle_->data = this;
    callback_ = Napi::Persistent(info[1].As<Napi::Function>());
  }

  ~Poller() { Release(); }

 private:
  static void OnEvent(uv_poll_t *h, int status, int events) {
    Poller *self = static_cast<Poller *>(h->data);
    if (!self) return;
    Napi::Env env = self->callback_.Env();
    Napi::HandleScope scope(env);
    // MakeCallback runs microtasks and reports exceptions like any libuv callback in Node.
    self->callback_.MakeCallback(env.Global(), {
      Napi::Number::New(env, status < 0 ? -status : 0),
      Napi::Boolean::New(env, (events & UV_READABLE) != 0 || status < 0),
      Napi::Boolean::New(env, (events & UV_WRITABLE) != 0 || status < 0),
    });
  }

  Napi::Value Start(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (!handle_) {
      Napi::Error::New(env, "Poller is closed").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    int ev = (info[0].ToBoolean() ? UV_READABLE : 0) | (info[1].ToBoolean() ? UV_WRITABLE : 0);
    int r = ev ? uv_poll_start(handle_, ev, OnEvent) : uv_poll_stop(handle_);
    if (r < 0) ErrnoError(env, -r, "uv_poll_start").ThrowAsJavaScriptException();
    return env.Undefined();
  }

  Napi::Value Stop(const Napi::CallbackInfo &info) {
    if (handle_) uv_poll_stop(handle_);
    return info.Env().Undefined();
  }

  Napi::Value Close(const Napi::CallbackInfo &info) {
    Release();
    return info.Env().Undefined();
  }

  void Release() {
    if (!handle_) return;
    uv_poll_stop(handle_);
    handle_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t *>(handle_), [](uv_handle_t *h) { delete reinterpret_cast<uv_poll_t *>(h); });
    handle_ = nullptr;
    callback_.Reset();
  }

  uv_poll_t *handle_ = nullptr;
  Napi::FunctionReference callback_;
};

// ------------------------------------------------------------------ ptys and terminals

Napi::Value OpenPt(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) THROW_ERRNO(env, "posix_openpt");
  char name[128];
  if (grantpt(fd) < 0 || unlockpt(fd) < 0 || ptsname_r(fd, name, sizeof name) != 0) {
    int e = errno;
    close(fd);
    ErrnoError(env, e, "ptsname").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("fd", Napi::Number::New(env, fd));
  out.Set("path", Napi::String::New(env, name));
  return out;
}

Napi::Value OpenPty(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int master, slave;
  char name[128];
  if (openpty(&master, &slave, name, nullptr, nullptr) < 0) THROW_ERRNO(env, "openpty");
  fcntl(master, F_SETFD, FD_CLOEXEC);
  fcntl(slave, F_SETFD, FD_CLOEXEC);
  fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
  Napi::Object out = Napi::Object::New(env);
  out.Set("master", Napi::Number::New(env, master));
  out.Set("slave", Napi::Number::New(env, slave));
  out.Set("path", Napi::String::New(env, name));
  return out;
}

Napi::Value TcGetAttr(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  struct termios t;
  if (tcgetattr(ArgInt(info, 0), &t) < 0) THROW_ERRNO(env, "tcgetattr");
  return Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t *>(&t), sizeof t);
}

Napi::Value TcSetAttr(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[1].IsBuffer() || info[1].As<Napi::Buffer<uint8_t>>().Length() != sizeof(struct termios)) {
    Napi::TypeError::New(env, "expected a termios Buffer from tcgetattr").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  struct termios t;
  memcpy(&t, info[1].As<Napi::Buffer<uint8_t>>().Data(), sizeof t);
  std::string when = info.Length() > 2 && info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : "now";
  int how = when == "drain" ? TCSADRAIN : when == "flush" ? TCSAFLUSH : TCSANOW;
  if (tcsetattr(ArgInt(info, 0), how, &t) < 0) THROW_ERRNO(env, "tcsetattr");
  return env.Undefined();
}

Napi::Value MakeRaw(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int fd = ArgInt(info, 0);
  struct termios old, t;
  if (tcgetattr(fd, &old) < 0) THROW_ERRNO(env, "tcgetattr");
  t = old;
  cfmakeraw(&t);
  if (tcsetattr(fd, TCSADRAIN, &t) < 0) THROW_ERRNO(env, "tcsetattr");
  return Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t *>(&old), sizeof old);
}

Napi::Value GetWinsize(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  struct winsize ws;
  if (ioctl(ArgInt(info, 0), TIOCGWINSZ, &ws) < 0) THROW_ERRNO(env, "ioctl");
  Napi::Object out = Napi::Object::New(env);
  out.Set("rows", Napi::Number::New(env, ws.ws_row));
  out.Set("cols", Napi::Number::New(env, ws.ws_col));
  return out;
}

Napi::Value SetWinsize(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  struct winsize ws = {};
  ws.ws_row = ArgInt(info, 1);
  ws.ws_col = ArgInt(info, 2);
  if (ioctl(ArgInt(info, 0), TIOCSWINSZ, &ws) < 0) THROW_ERRNO(env, "ioctl");
  return env.Undefined();
}

// ------------------------------------------------------------------ TUN/TAP

Napi::Value TunSetIff(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  struct ifreq ifr = {};
  std::string name = info[1].As<Napi::String>().Utf8Value();
  if (name.size() >= IFNAMSIZ) {
    ErrnoError(env, ENAMETOOLONG, "TUNSETIFF").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  ifr.ifr_flags = ArgInt(info, 2);
  if (ioctl(ArgInt(info, 0), TUNSETIFF, &ifr) < 0) THROW_ERRNO(env, "ioctl");
  return Napi::String::New(env, ifr.ifr_name);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto fn = [&](const char *name, Napi::Value (*f)(const Napi::CallbackInfo &)) {
    exports.Set(name, Napi::Function::New(env, f, name));
  };
  fn("lock", Lock);
  fn("lockHolder", LockHolder);
  fn("fallocate", Fallocate);
  fn("socket", Socket);
  fn("socketPair", SocketPair);
  fn("bindUnix", BindUnix);
  fn("connectUnix", ConnectUnix);
  fn("sendToUnix", SendToUnix);
  fn("recvFromUnix", RecvFromUnix);
  fn("getsockname", GetSockName);
  fn("read", Read);
  fn("write", Write);
  fn("setNonBlocking", SetNonBlocking);
  fn("close", Close);
  fn("openpt", OpenPt);
  fn("openpty", OpenPty);
  fn("tcgetattr", TcGetAttr);
  fn("tcsetattr", TcSetAttr);
  fn("makeRaw", MakeRaw);
  fn("getWinsize", GetWinsize);
  fn("setWinsize", SetWinsize);
  fn("tunSetIff", TunSetIff);
  exports.Set("Poller", Poller::Init(env));
  RegisterDirfd(env, exports);
  RegisterNet(env, exports);

  Napi::Object c = Napi::Object::New(env);
#define C(x) c.Set(#x, Napi::Number::New(env, x));
  C(FALLOC_FL_KEEP_SIZE) C(FALLOC_FL_PUNCH_HOLE) C(FALLOC_FL_ZERO_RANGE)
  C(AF_UNIX) C(AF_INET) C(AF_INET6) C(AF_PACKET)
  C(SOCK_STREAM) C(SOCK_DGRAM) C(SOCK_SEQPACKET) C(SOCK_RAW)
  C(IFF_TUN) C(IFF_TAP) C(IFF_NO_PI) C(IFF_VNET_HDR) C(IFF_MULTI_QUEUE)
#undef C
  exports.Set("constants", c);

  // errno values, for the calls that return -errno: TypeScript names them from here only.
  Napi::Object e = Napi::Object::New(env);
#define E(x) e.Set(#x, Napi::Number::New(env, x));
  E(EPERM) E(ENOENT) E(EINTR) E(EIO) E(ENXIO) E(EBADF) E(EAGAIN) E(ENOMEM) E(EACCES) E(EBUSY) E(EEXIST)
  E(ENODEV) E(ENOTDIR) E(EISDIR) E(EINVAL) E(ENOSPC) E(EROFS) E(EPIPE) E(ENAMETOOLONG) E(ENOSYS)
  E(ENOTEMPTY) E(ELOOP) E(EMSGSIZE) E(EOPNOTSUPP) E(EADDRINUSE) E(EADDRNOTAVAIL) E(ENETDOWN)
  E(ENETUNREACH) E(ECONNRESET) E(ENOBUFS) E(ENOTCONN) E(ECONNREFUSED) E(EHOSTUNREACH) E(EXDEV) E(ENOPROTOOPT)
#undef E
  exports.Set("errno", e);
  RegisterFs(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(tuml_host, Init)
