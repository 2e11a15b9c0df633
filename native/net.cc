// Network system calls for the vector transports: batched datagram I/O
// (recvmmsg/sendmmsg, and read/write loops for a tap, which has no batch call),
// AF_PACKET and inet binding, socket options, tap offloads. Framing, addresses
// and every decision stay in TypeScript (src/host/net).
//
// Batch layout: a Uint8Array and Int32Arrays of offsets and lengths; frame i is
// buf[offs[i], offs[i] + lens[i]). The batch calls return the number of frames
// moved or -errno, so the hot path neither throws nor allocates.

#include <napi.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace {

constexpr int kMaxBatch = 1024;

Napi::Value ThrowErrno(Napi::Env env, int err, const char *syscall) {
  Napi::Error e = Napi::Error::New(env, std::string(syscall) + ": " + strerror(err));
  const char *name = nullptr;
  switch (err) {
    case EPERM: name = "EPERM"; break;
    case EACCES: name = "EACCES"; break;
    case ENOENT: name = "ENOENT"; break;
    case ENODEV: name = "ENODEV"; break;
    case EBUSY: name = "EBUSY"; break;
    case EINVAL: name = "EINVAL"; break;
    case EADDRINUSE: name = "EADDRINUSE"; break;
    case EADDRNOTAVAIL: name = "EADDRNOTAVAIL"; break;
    case EAFNOSUPPORT: name = "EAFNOSUPPORT"; break;
    case ENOPROTOOPT: name = "ENOPROTOOPT"; break;
    case EBADF: name = "EBADF"; break;
    default: break;
  }
  e.Set("code", Napi::String::New(env, name ? name : "E" + std::to_string(err)));
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("syscall", Napi::String::New(env, syscall));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

int Int(const Napi::CallbackInfo &info, size_t i) { return info[i].As<Napi::Number>().Int32Value(); }

// Checks a batch (buf, offs, lens, count) and fills iovecs; false after throwing.
bool Batch(const Napi::CallbackInfo &info, size_t i, struct iovec *iov, int *count, bool writable) {
  Napi::Env env = info.Env();
  if (!info[i].IsTypedArray() || !info[i + 1].IsTypedArray() || !info[i + 2].IsTypedArray()) {
    Napi::TypeError::New(env, "expected (Uint8Array, Int32Array, Int32Array, count)").ThrowAsJavaScriptException();
    return false;
  }
  Napi::Uint8Array buf = info[i].As<Napi::Uint8Array>();
  Napi::Int32Array offs = info[i + 1].As<Napi::Int32Array>();
  Napi::Int32Array lens = info[i + 2].As<Napi::Int32Array>();
  int n = Int(info, i + 3);
  if (n < 0 || n > kMaxBatch || (size_t)n > offs.ElementLength() || (size_t)n > lens.ElementLength()) {
    Napi::RangeError::New(env, "batch count out of range").ThrowAsJavaScriptException();
    return false;
  }
  for (int k = 0; k < n; k++) {
    int64_t o = offs[k], l = lens[k];
    if (o < 0 || l < 0 || (size_t)(o + l) > buf.ByteLength()) {
      Napi::RangeError::New(env, "batch frame outside the buffer").ThrowAsJavaScriptException();
      return false;
    }
    iov[k].iov_base = buf.Data() + o;
    iov[k].iov_len = l;
  }
  *count = n;
  return true;
}

// recvMany(fd, buf, offs, lens, count): receives up to count datagrams into the slots
// (offs[i], capacity lens[i]); sets lens[i] to each one's length, -1 if it was truncated.
Napi::Value RecvMany(const Napi::CallbackInfo &info) {
  struct iovec iov[kMaxBatch];
  struct mmsghdr msgs[kMaxBatch];
  int n;
  if (!Batch(info, 1, iov, &n, true)) return info.Env().Undefined();
  memset(msgs, 0, sizeof(struct mmsghdr) * n);
  for (int k = 0; k < n; k++) {
    msgs[k].msg_hdr.msg_iov = &iov[k];
    msgs[k].msg_hdr.msg_iovlen = 1;
  }
  int r = recvmmsg(Int(info, 0), msgs, n, MSG_DONTWAIT, nullptr);
  if (r < 0) return Napi::Number::New(info.Env(), -errno);
  Napi::Int32Array lens = info[3].As<Napi::Int32Array>();
  for (int k = 0; k < r; k++) lens[k] = (msgs[k].msg_hdr.msg_flags & MSG_TRUNC) ? -1 : (int32_t)msgs[k].msg_len;
  return Napi::Number::New(info.Env(), r);
}

// sendMany(fd, buf, offs, lens, count): sendmmsg on a connected (or packet) socket.
Napi::Value SendMany(const Napi::CallbackInfo &info) {
  struct iovec iov[kMaxBatch];
  struct mmsghdr msgs[kMaxBatch];
  int n;
  if (!Batch(info, 1, iov, &n, false)) return info.Env().Undefined();
  memset(msgs, 0, sizeof(struct mmsghdr) * n);
  for (int k = 0; k < n; k++) {
    msgs[k].msg_hdr.msg_iov = &iov[k];
    msgs[k].msg_hdr.msg_iovlen = 1;
  }
  int r = n ? sendmmsg(Int(info, 0), msgs, n, MSG_DONTWAIT) : 0;
  return Napi::Number::New(info.Env(), r < 0 ? -errno : r);
}

// readMany: the same for a descriptor with one frame per read() (a tap).
Napi::Value ReadMany(const Napi::CallbackInfo &info) {
  struct iovec iov[kMaxBatch];
  int n;
  if (!Batch(info, 1, iov, &n, true)) return info.Env().Undefined();
  int fd = Int(info, 0);
  Napi::Int32Array lens = info[3].As<Napi::Int32Array>();
  int k = 0;
  for (; k < n; k++) {
    ssize_t r = read(fd, iov[k].iov_base, iov[k].iov_len);
    if (r < 0) {
      if (k == 0) return Napi::Number::New(info.Env(), -errno);
      break;
    }
    lens[k] = (int32_t)r;
  }
  return Napi::Number::New(info.Env(), k);
}

// writeMany: one write() per frame until one would block.
Napi::Value WriteMany(const Napi::CallbackInfo &info) {
  struct iovec iov[kMaxBatch];
  int n;
  if (!Batch(info, 1, iov, &n, false)) return info.Env().Undefined();
  int fd = Int(info, 0);
  int k = 0;
  for (; k < n; k++) {
    ssize_t r = write(fd, iov[k].iov_base, iov[k].iov_len);
    if (r < 0) {
      if (k == 0) return Napi::Number::New(info.Env(), -errno);
      break;
    }
  }
  return Napi::Number::New(info.Env(), k);
}

Napi::Value IfIndex(const Napi::CallbackInfo &info) {
  std::string name = info[0].As<Napi::String>().Utf8Value();
  unsigned idx = if_nametoindex(name.c_str());
  if (idx == 0) return ThrowErrno(info.Env(), errno, "if_nametoindex");
  return Napi::Number::New(info.Env(), idx);
}

// bindPacket(fd, ifindex, protocol in host order)
Napi::Value BindPacket(const Napi::CallbackInfo &info) {
  struct sockaddr_ll sa = {};
  sa.sll_family = AF_PACKET;
  sa.sll_ifindex = Int(info, 1);
  sa.sll_protocol = htons((uint16_t)Int(info, 2));
  if (bind(Int(info, 0), (struct sockaddr *)&sa, sizeof sa) < 0) return ThrowErrno(info.Env(), errno, "bind");
  return info.Env().Undefined();
}

// An inet address from (bytes of 4 or 16, port in host order).
bool InetAddr(const Napi::CallbackInfo &info, size_t i, struct sockaddr_storage *ss, socklen_t *len) {
  if (!info[i].IsTypedArray()) {
    Napi::TypeError::New(info.Env(), "expected address bytes").ThrowAsJavaScriptException();
    return false;
  }
  Napi::Uint8Array a = info[i].As<Napi::Uint8Array>();
  uint16_t port = htons((uint16_t)Int(info, i + 1));
  memset(ss, 0, sizeof *ss);
  if (a.ByteLength() == 4) {
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;
    sin->sin_family = AF_INET;
    sin->sin_port = port;
    memcpy(&sin->sin_addr, a.Data(), 4);
    *len = sizeof *sin;
  } else if (a.ByteLength() == 16) {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = port;
    memcpy(&sin6->sin6_addr, a.Data(), 16);
    *len = sizeof *sin6;
  } else {
    Napi::RangeError::New(info.Env(), "an inet address has 4 or 16 bytes").ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

Napi::Value BindInet(const Napi::CallbackInfo &info) {
  struct sockaddr_storage ss;
  socklen_t len;
  if (!InetAddr(info, 1, &ss, &len)) return info.Env().Undefined();
  if (bind(Int(info, 0), (struct sockaddr *)&ss, len) < 0) return ThrowErrno(info.Env(), errno, "bind");
  return info.Env().Undefined();
}

Napi::Value ConnectInet(const Napi::CallbackInfo &info) {
  struct sockaddr_storage ss;
  socklen_t len;
  if (!InetAddr(info, 1, &ss, &len)) return info.Env().Undefined();
  if (connect(Int(info, 0), (struct sockaddr *)&ss, len) < 0) return ThrowErrno(info.Env(), errno, "connect");
  return info.Env().Undefined();
}

// setsockoptInt(fd, level, name, value)
Napi::Value SetSockOptInt(const Napi::CallbackInfo &info) {
  int v = Int(info, 3);
  if (setsockopt(Int(info, 0), Int(info, 1), Int(info, 2), &v, sizeof v) < 0) return ThrowErrno(info.Env(), errno, "setsockopt");
  return info.Env().Undefined();
}

// setSockOptBytes(fd, level, name, bytes): options that take a struct (ip_mreq, timeval).
Napi::Value SetSockOptBytes(const Napi::CallbackInfo &info) {
  Napi::Uint8Array v = info[3].As<Napi::Uint8Array>();
  if (setsockopt(Int(info, 0), Int(info, 1), Int(info, 2), v.Data(), v.ByteLength()) < 0) return ThrowErrno(info.Env(), errno, "setsockopt");
  return info.Env().Undefined();
}

// attachFilter(fd, program): classic BPF, 8-byte struct sock_filter entries in host order.
Napi::Value AttachFilter(const Napi::CallbackInfo &info) {
  Napi::Uint8Array prog = info[1].As<Napi::Uint8Array>();
  if (prog.ByteLength() == 0 || prog.ByteLength() % sizeof(struct sock_filter) || prog.ByteLength() / sizeof(struct sock_filter) > BPF_MAXINSNS) {
    return ThrowErrno(info.Env(), EINVAL, "SO_ATTACH_FILTER");
  }
  struct sock_fprog fp;
  fp.len = prog.ByteLength() / sizeof(struct sock_filter);
  fp.filter = (struct sock_filter *)prog.Data();
  if (setsockopt(Int(info, 0), SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof fp) < 0) return ThrowErrno(info.Env(), errno, "setsockopt");
  return info.Env().Undefined();
}

// tunSetOffload(fd, TUN_F_* flags)
Napi::Value TunSetOffload(const Napi::CallbackInfo &info) {
  if (ioctl(Int(info, 0), TUNSETOFFLOAD, (unsigned long)Int(info, 1)) < 0) return ThrowErrno(info.Env(), errno, "ioctl");
  return info.Env().Undefined();
}

Napi::Value TunSetVnetHdrSz(const Napi::CallbackInfo &info) {
  int sz = Int(info, 1);
  if (ioctl(Int(info, 0), TUNSETVNETHDRSZ, &sz) < 0) return ThrowErrno(info.Env(), errno, "ioctl");
  return info.Env().Undefined();
}

// sockError(fd): the pending socket error (SO_ERROR, which clears it) as errno, 0 for none, -errno if not a socket.
Napi::Value SockError(const Napi::CallbackInfo &info) {
  int v = 0;
  socklen_t len = sizeof v;
  if (getsockopt(Int(info, 0), SOL_SOCKET, SO_ERROR, &v, &len) < 0) return Napi::Number::New(info.Env(), -errno);
  return Napi::Number::New(info.Env(), v);
}

}  // namespace

void RegisterNet(Napi::Env env, Napi::Object exports) {
  auto fn = [&](const char *name, Napi::Value (*f)(const Napi::CallbackInfo &)) {
    exports.Set(name, Napi::Function::New(env, f, name));
  };
  fn("recvMany", RecvMany);
  fn("sendMany", SendMany);
  fn("readMany", ReadMany);
  fn("writeMany", WriteMany);
  fn("ifIndex", IfIndex);
  fn("bindPacket", BindPacket);
  fn("bindInet", BindInet);
  fn("connectInet", ConnectInet);
  fn("setSockOptInt", SetSockOptInt);
  fn("setSockOptBytes", SetSockOptBytes);
  fn("attachFilter", AttachFilter);
  fn("tunSetOffload", TunSetOffload);
  fn("tunSetVnetHdrSz", TunSetVnetHdrSz);
  fn("sockError", SockError);
  Napi::Object c = Napi::Object::New(env);
#define C(x) c.Set(#x, Napi::Number::New(env, x));
  C(SOL_SOCKET) C(SOL_PACKET) C(IPPROTO_IP) C(IPPROTO_IPV6) C(IPPROTO_UDP)
  C(PACKET_VNET_HDR) C(PACKET_QDISC_BYPASS) C(ETH_P_ALL)
  C(TUN_F_CSUM) C(TUN_F_TSO4) C(TUN_F_TSO6) C(TUN_F_TSO_ECN)
  C(SO_RCVBUF) C(SO_SNDBUF) C(SO_RCVBUFFORCE) C(SO_SNDBUFFORCE) C(IPV6_V6ONLY)
  C(SO_REUSEADDR) C(SO_RCVTIMEO) C(SO_SNDTIMEO)
  C(IP_MULTICAST_LOOP) C(IP_MULTICAST_TTL) C(IP_ADD_MEMBERSHIP)
  C(PACKET_ADD_MEMBERSHIP) C(PACKET_MR_PROMISC)
#undef C
  exports.Set("netConstants", c);
}
