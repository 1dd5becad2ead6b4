// zinc-agent (C++): the conformance agent of tests/matrix/README.md, driving Zinc only through
// the public zinc.hpp API. Usage: zinc-agent serve   (commands on stdin, one reply per line).
#include <zinc/zinc.hpp>

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the checksum command views the data as native float32, which must be little-endian"
#endif

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kWait = 30s;

void say(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

std::uint8_t pattern(std::uint32_t seed, std::uint32_t i) {
  return static_cast<std::uint8_t>(((i ^ (i >> 8) ^ (i >> 16)) + seed) & 0xFFu);
}
std::uint8_t reply(std::uint32_t seed, std::uint32_t i) {
  return static_cast<std::uint8_t>(255u - pattern(seed, i));
}

std::string zfail(const zinc::Error& e) {
  return "FAIL " + std::to_string(e.zinc_code()) + " " + e.message();
}
std::string timeout_fail() {
  return "FAIL " + std::to_string(ZINC_ETIMEDOUT) + " " + zinc::strerror(ZINC_ETIMEDOUT);
}

// Index of the first byte that differs from want(seed, i), or -1.
template <class F>
long long first_mismatch(const zinc::View<std::byte>& b, std::uint32_t seed, F want) {
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (std::to_integer<std::uint8_t>(b[i]) != want(seed, static_cast<std::uint32_t>(i))) {
      return static_cast<long long>(i);
    }
  }
  return -1;
}

std::string mismatch(const zinc::View<std::byte>& b, long long i, std::uint8_t want) {
  return "FAIL byte " + std::to_string(i) + " is " +
         std::to_string(std::to_integer<int>(b[static_cast<std::size_t>(i)])) + ", expected " +
         std::to_string(want);
}

// Runs one command's body; a Zinc error (or any other exception) becomes its FAIL line.
template <class F>
std::string guarded(F body) {
  try {
    return body();
  } catch (const zinc::Error& e) {
    return zfail(e);
  } catch (const std::exception& e) {
    return std::string("FAIL ") + e.what();
  }
}

// Returns false on end of input (the driver went away).
bool cmd_writer(const std::string& name, std::size_t capacity, std::uint32_t seed, bool noreply) {
  bool input_ended = false;
  const std::string line = guarded([&]() -> std::string {
    std::string result;
    auto r = zinc::SharedRegion::create(name, capacity);
    say("READY");
    std::string go;
    if (!std::getline(std::cin, go)) {
      input_ended = true;  // r's destructor closes
      return result;
    }
    auto b = r.bytes();
    for (std::size_t i = 0; i < b.size(); ++i) {
      b[i] = std::byte{pattern(seed, static_cast<std::uint32_t>(i))};
    }
    r.notify();
    result = "PASS";
    if (!noreply) {
      // notify() also moved the counter for our own handle, so the first wait may return at
      // once: wait until the reader's reply is complete (notifications coalesce), for 30 s.
      const auto deadline = Clock::now() + kWait;
      for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        const bool notified = left.count() > 0 && r.wait(left);
        const long long bad = first_mismatch(b, seed, reply);
        if (notified && bad < 0) break;
        if (!notified) {
          // Untouched pattern: no reply ever came (a timeout); otherwise a wrong reply.
          result = first_mismatch(b, seed, pattern) < 0
                       ? timeout_fail()
                       : mismatch(b, bad, reply(seed, static_cast<std::uint32_t>(bad)));
          break;
        }
      }
    }
    b = {};
    r.close();
    return result;
  });
  if (input_ended) return false;
  say(line);
  return true;
}

void cmd_reader(const std::string& name, std::uint32_t seed, bool noreply) {
  say(guarded([&]() -> std::string {
    std::string result;
    auto r = zinc::SharedRegion::open(name);
    say("OPENED");
    if (!r.wait(kWait)) return timeout_fail();
    auto b = r.bytes();
    const long long bad = first_mismatch(b, seed, pattern);
    if (bad >= 0) {
      result = mismatch(b, bad, pattern(seed, static_cast<std::uint32_t>(bad)));
    } else {
      if (!noreply) {
        for (std::size_t i = 0; i < b.size(); ++i) {
          b[i] = std::byte{reply(seed, static_cast<std::uint32_t>(i))};
        }
        r.notify();
      }
      result = "PASS";
    }
    b = {};
    r.close();
    return result;
  }));
}

void cmd_checksum(const std::string& name) {
  say(guarded([&]() -> std::string {
    std::string result;
    auto r = zinc::SharedRegion::open(name);
    say("OPENED");
    if (!r.wait(kWait)) return timeout_fail();
    double sum = 0.0;
    {
      const auto floats = r.span<const float>();  // zero-copy, capacity / 4 elements
      for (const float f : floats) sum += static_cast<double>(f);
    }
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    r.close();
    if (!std::isfinite(sum)) {
      result = "FAIL checksum is not a finite number (the data are not finite float32 values)";
    } else {
      char digits[512];
      std::snprintf(digits, sizeof digits, "%.0f", sum);
      result =
          std::string("CHECKSUM ") + digits + " " + std::to_string(static_cast<long long>(now));
    }
    return result;
  }));
}

// "<label> <code> <message>" of the zinc::Error that call() throws; "<label> 0 success" if none.
template <class F>
void report(const char* label, F call) {
  try {
    call();
    say(std::string(label) + " 0 success");
  } catch (const zinc::Error& e) {
    say(std::string(label) + " " + std::to_string(e.zinc_code()) + " " + e.message());
  }
}

void cmd_errors() {
  const std::string pid = std::to_string(::getpid());
  report("create_bad_name", [] { zinc::SharedRegion::create("bad/name", 4096); });
  report("create_bad_size", [&] { zinc::SharedRegion::create("zinc_parity_" + pid, 1000); });
  report("open_missing", [&] { zinc::SharedRegion::open("zinc_parity_missing_" + pid); });
  report("open_nul_name", [] { zinc::SharedRegion::open(std::string("zinc\0nul", 8)); });
  report("wait_closed", [&] {
    auto r = zinc::SharedRegion::create("zinc_parity_closed_" + pid, 4096);
    r.close();
    r.wait(std::chrono::milliseconds(0));
  });
  report("double_close", [&] {
    auto r = zinc::SharedRegion::create("zinc_parity_dc_" + pid, 4096);
    r.close();
    r.close();
  });
  say("DONE");
}

// `abi`: what this adapter declares. The types come from the compiler (the zinc.h prototypes
// zinc.hpp binds, decltype'd, so nothing is linked), the constants from the zinc.h macros it
// compiles against, the messages from zinc::Error.
template <class T>
constexpr const char* abi_type() {
  if constexpr (std::is_void_v<T>) {
    return "void";
  } else if constexpr (std::is_pointer_v<T>) {
    return "ptr";
  } else if constexpr (std::is_same_v<T, std::int32_t>) {
    return "i32";
  } else if constexpr (std::is_same_v<T, std::uint32_t>) {
    return "u32";
  } else {
    static_assert(std::is_same_v<T, std::uintptr_t>, "a type the abi table does not know");
    return "usize";
  }
}

template <class R, class... A>
std::string abi_fn(const char* name, R (*)(A...)) {
  std::string line = std::string("fn ") + name + " " + abi_type<R>();
  ((line += std::string(" ") + abi_type<A>()), ...);
  return line;
}

#define ZINC_ABI_CONST(c) \
  { #c, static_cast < long long>(c) }
#define ZINC_ABI_FN(f) abi_fn(#f, static_cast<decltype(&::f)>(nullptr))

void cmd_abi() {
  const std::pair<const char*, long long> consts[] = {
      ZINC_ABI_CONST(ZINC_OK),        ZINC_ABI_CONST(ZINC_EPERM),
      ZINC_ABI_CONST(ZINC_ENOENT),    ZINC_ABI_CONST(ZINC_EBADF),
      ZINC_ABI_CONST(ZINC_EAGAIN),    ZINC_ABI_CONST(ZINC_EEXIST),
      ZINC_ABI_CONST(ZINC_EINVAL),    ZINC_ABI_CONST(ZINC_EBADMSG),
      ZINC_ABI_CONST(ZINC_ETIMEDOUT), ZINC_ABI_CONST(ZINC_WAIT_FOREVER)};
  for (const auto& [name, value] : consts)
    say(std::string("const ") + name + " " + std::to_string(value));
  for (const int code : {-1, -2, -9, -11, -17, -22, -28, -74, -110}) {
    const zinc::Error e(code);
    say("message " + std::to_string(e.zinc_code()) + " " + e.message());
  }
  for (const std::string& line :
       {ZINC_ABI_FN(zinc_create), ZINC_ABI_FN(zinc_open), ZINC_ABI_FN(zinc_ptr),
        ZINC_ABI_FN(zinc_capacity), ZINC_ABI_FN(zinc_close), ZINC_ABI_FN(zinc_notify),
        ZINC_ABI_FN(zinc_wait), ZINC_ABI_FN(zinc_strerror)}) {
    say(line);
  }
  say("DONE");
}

bool parse_u64(const std::string& s, unsigned long long& out) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return false;
  try {
    out = std::stoull(s);
  } catch (...) {
    return false;
  }
  return true;
}

int serve() {
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream in(line);
    std::vector<std::string> w;
    for (std::string t; in >> t;) w.push_back(t);
    if (w.empty()) continue;
    const std::string& cmd = w[0];
    unsigned long long cap = 0, seed = 0;
    const bool noreply = w.size() >= 2 && w.back() == "noreply";
    const std::size_t n = w.size() - (noreply ? 1 : 0);
    if (cmd == "quit") {
      return 0;
    } else if (cmd == "writer" && n == 4 && parse_u64(w[2], cap) && parse_u64(w[3], seed)) {
      if (!cmd_writer(w[1], static_cast<std::size_t>(cap), static_cast<std::uint32_t>(seed),
                      noreply)) {
        return 0;
      }
    } else if (cmd == "reader" && n == 3 && parse_u64(w[2], seed)) {
      cmd_reader(w[1], static_cast<std::uint32_t>(seed), noreply);
    } else if (cmd == "checksum" && w.size() == 2) {
      cmd_checksum(w[1]);
    } else if (cmd == "errors" && w.size() == 1) {
      cmd_errors();
    } else if (cmd == "abi" && w.size() == 1) {
      cmd_abi();
    } else {
      std::fprintf(stderr, "zinc-agent (cpp): cannot parse command: %s\n", line.c_str());
      say("FAIL bad command: " + line);
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || std::string(argv[1]) != "serve") {
    std::fprintf(stderr, "usage: %s serve\n", argc > 0 ? argv[0] : "zinc-agent");
    return 2;
  }
  try {
    (void)zinc::strerror(0);  // loads libzinc_core.so now ($ZINC_LIB wins), not mid-protocol
  } catch (const zinc::LibraryError& e) {
    std::fprintf(stderr, "zinc-agent (cpp): %s\n", e.what());
    return 1;
  }
  return serve();
}
