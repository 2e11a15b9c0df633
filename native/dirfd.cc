// Directory-relative file system calls (the *at family) that Node lacks: they
// let the instance directory be checked, filled and emptied through an fd of
// the directory itself, so a path swapped for a symlink cannot redirect them.
// Errors throw like Node's fs errors (code, errno, syscall).

#include <napi.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

namespace {

Napi::Value Fail(Napi::Env env, const char *syscall) {
  int err = errno;
  Napi::Error e = Napi::Error::New(env, std::string(syscall) + ": " + strerror(err));
  const char *name = nullptr;
  switch (err) {
#define E(x) case x: name = #x; break;
    E(EPERM) E(ENOENT) E(EEXIST) E(EBADF) E(EINVAL) E(EACCES) E(ELOOP) E(ENOTDIR)
    E(EISDIR) E(ENOTEMPTY) E(ENAMETOOLONG) E(EROFS) E(ENOSPC) E(EIO) E(EBUSY) E(EMFILE)
#undef E
    default: break;
  }
  e.Set("code", name ? Napi::String::New(env, name) : Napi::String::New(env, "E" + std::to_string(err)));
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("syscall", Napi::String::New(env, syscall));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

int Int(const Napi::CallbackInfo &info, size_t i) {
  return info.Length() > i && info[i].IsNumber() ? info[i].As<Napi::Number>().Int32Value() : 0;
}

std::string Str(const Napi::CallbackInfo &info, size_t i) {
  return info.Length() > i && info[i].IsString() ? info[i].As<Napi::String>().Utf8Value() : std::string();
}

// openat(dirfd, name, flags, mode): always O_CLOEXEC.
Napi::Value OpenAt(const Napi::CallbackInfo &info) {
  int fd = openat(Int(info, 0), Str(info, 1).c_str(), Int(info, 2) | O_CLOEXEC, (mode_t)Int(info, 3));
  if (fd < 0) return Fail(info.Env(), "openat");
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value MkdirAt(const Napi::CallbackInfo &info) {
  if (mkdirat(Int(info, 0), Str(info, 1).c_str(), (mode_t)Int(info, 2)) < 0) return Fail(info.Env(), "mkdirat");
  return info.Env().Undefined();
}

Napi::Value UnlinkAt(const Napi::CallbackInfo &info) {
  if (unlinkat(Int(info, 0), Str(info, 1).c_str(), Int(info, 2)) < 0) return Fail(info.Env(), "unlinkat");
  return info.Env().Undefined();
}

// fstatat(dirfd, name, AT_SYMLINK_NOFOLLOW): the fields a caller checks ownership and identity with.
Napi::Value LstatAt(const Napi::CallbackInfo &info) {
  struct stat st;
  if (fstatat(Int(info, 0), Str(info, 1).c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) return Fail(info.Env(), "fstatat");
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("mode", Napi::Number::New(info.Env(), st.st_mode));
  o.Set("uid", Napi::Number::New(info.Env(), st.st_uid));
  o.Set("dev", Napi::Number::New(info.Env(), (double)st.st_dev));
  o.Set("ino", Napi::Number::New(info.Env(), (double)st.st_ino));
  return o;
}

// The names in a directory fd, without "." and "..": readdir on a duplicate, so the fd stays usable.
Napi::Value ReadDirFd(const Napi::CallbackInfo &info) {
  int fd = fcntl(Int(info, 0), F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return Fail(info.Env(), "fcntl");
  DIR *d = fdopendir(fd);
  if (!d) {
    int err = errno;
    close(fd);
    errno = err;
    return Fail(info.Env(), "fdopendir");
  }
  rewinddir(d);
  Napi::Array names = Napi::Array::New(info.Env());
  uint32_t n = 0;
  errno = 0;
  while (struct dirent *e = readdir(d)) {
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) names.Set(n++, Napi::String::New(info.Env(), e->d_name));
    errno = 0;
  }
  int err = errno;
  closedir(d);
  if (err) {
    errno = err;
    return Fail(info.Env(), "readdir");
  }
  return names;
}

}  // namespace

void RegisterDirfd(Napi::Env env, Napi::Object exports) {
  exports.Set("openat", Napi::Function::New(env, OpenAt, "openat"));
  exports.Set("mkdirat", Napi::Function::New(env, MkdirAt, "mkdirat"));
  exports.Set("unlinkat", Napi::Function::New(env, UnlinkAt, "unlinkat"));
  exports.Set("lstatat", Napi::Function::New(env, LstatAt, "lstatat"));
  exports.Set("readdirfd", Napi::Function::New(env, ReadDirFd, "readdirfd"));
  Napi::Object c = Napi::Object::New(env);
#define C(x) c.Set(#x, Napi::Number::New(env, x));
  C(AT_FDCWD) C(AT_REMOVEDIR) C(O_RDONLY) C(O_WRONLY) C(O_CREAT) C(O_EXCL) C(O_NOFOLLOW) C(O_DIRECTORY)
#undef C
  exports.Set("dirfdConstants", c);
}
