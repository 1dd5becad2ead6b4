#include "common.hpp"

#include <dirent.h>
#include <dlfcn.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace zt {

std::string name_prefix() { return "t_cpp_" + std::to_string(::getpid()) + "_"; }

std::string unique_name() {
  static std::atomic<int> counter{0};
  return name_prefix() + std::to_string(counter.fetch_add(1));
}

bool shm_exists(const std::string& name) {
  struct stat st;
  return ::stat(("/dev/shm/zinc_" + name).c_str(), &st) == 0;
}

std::vector<std::string> leaked() {
  std::vector<std::string> out;
  const std::string prefix = "zinc_" + name_prefix();
  DIR* d = ::opendir("/dev/shm");
  if (d == nullptr) return out;
  while (dirent* e = ::readdir(d)) {
    if (std::strncmp(e->d_name, prefix.c_str(), prefix.size()) == 0) out.emplace_back(e->d_name);
  }
  ::closedir(d);
  return out;
}

std::string core_text(int code) {
#ifdef ZINC_DYNAMIC_LOAD
  static const auto fn = [] {
    void* lib = ::dlopen(std::getenv("ZINC_LIB"), RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) throw std::runtime_error("test: cannot dlopen $ZINC_LIB");
    return reinterpret_cast<decltype(&::zinc_strerror)>(::dlsym(lib, "zinc_strerror"));
  }();
  return fn(code);
#else
  return ::zinc_strerror(code);
#endif
}

pid_t spawn_child(const std::vector<std::string>& args) {
  std::vector<std::string> all = {"/proc/self/exe", "--zinc-child"};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), environ);
  if (rc != 0) throw std::runtime_error(std::string("posix_spawn: ") + std::strerror(rc));
  return pid;
}

int wait_child(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

namespace {

using namespace std::chrono_literals;

// reader NAME SEED: open, announce with notify(), wait until the writer's pattern() is there
// (a predicate loop: our own notify also moves the counter), write reply(), notify, close.
bool all_bytes(const zinc::View<std::byte>& b, std::uint32_t seed, bool want_reply) {
  for (std::size_t i = 0; i < b.size(); ++i) {
    const auto i32 = static_cast<std::uint32_t>(i);
    const std::uint8_t want = want_reply ? reply(seed, i32) : pattern(seed, i32);
    if (std::to_integer<std::uint8_t>(b[i]) != want) return false;
  }
  return true;
}

int child_reader(const std::string& name, std::uint32_t seed) {
  auto r = zinc::SharedRegion::open(name);
  r.notify();
  auto b = r.bytes();
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!all_bytes(b, seed, false)) {
    if (std::chrono::steady_clock::now() > deadline) return 3;
    r.wait(1s);
  }
  for (std::size_t i = 0; i < b.size(); ++i)
    b[i] = std::byte{reply(seed, static_cast<std::uint32_t>(i))};
  r.notify();
  r.close();
  return 0;
}

// holder NAME: open, notify (tells the parent it holds a handle), wait for the parent's signal,
// check byte 0 == 42 (written after our open), close.
int child_holder(const std::string& name) {
  auto r = zinc::SharedRegion::open(name);
  r.notify();
  // Our own notify moved the counter: consume it first, then wait for the parent's byte.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::to_integer<int>(r.bytes()[0]) != 42) {
    if (std::chrono::steady_clock::now() > deadline) return 3;
    r.wait(1s);
  }
  return 0;  // r's destructor closes
}

// open-expect CODE NAME: open must fail with exactly CODE.
int child_open_expect(int code, const std::string& name) {
  try {
    auto r = zinc::SharedRegion::open(name);
    return 5;
  } catch (const zinc::Error& e) {
    if (e.zinc_code() != code) {
      std::fprintf(stderr, "child open-expect: got %d (%s)\n", e.zinc_code(), e.what());
      return 6;
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "child open-expect: %s\n", e.what());
    return 7;
  }
}

// create-lib-error NAME: in ZINC_DYNAMIC_LOAD mode with a bad ZINC_LIB, create must throw
// zinc::LibraryError naming that path.
int child_library_error(const std::string& name) {
  try {
    auto r = zinc::SharedRegion::create(name, kPage);
    return 5;
  } catch (const zinc::LibraryError& e) {
    const char* lib = std::getenv("ZINC_LIB");
    if (lib == nullptr || std::strstr(e.what(), lib) == nullptr) return 6;
    if (std::strstr(e.what(), "zinc: cannot load libzinc_core.so") == nullptr) return 6;
    return 0;
  } catch (...) {
    return 7;
  }
}

}  // namespace

int run_child(int argc, char** argv) {
  std::vector<std::string> a(argv + 2, argv + argc);
  try {
    if (a.size() == 3 && a[0] == "reader") {
      return child_reader(a[1], static_cast<std::uint32_t>(std::stoul(a[2])));
    }
    if (a.size() == 2 && a[0] == "holder") return child_holder(a[1]);
    if (a.size() == 3 && a[0] == "open-expect") return child_open_expect(std::stoi(a[1]), a[2]);
    if (a.size() == 2 && a[0] == "create-lib-error") return child_library_error(a[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "child: %s\n", e.what());
    return 2;
  }
  std::fprintf(stderr, "child: bad arguments\n");
  return 64;
}

}  // namespace zt
