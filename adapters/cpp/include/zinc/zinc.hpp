// zinc.hpp — header-only C++ adapter over the Zinc C ABI (include/zinc.h).
//
// Thin by design: every validation, lifecycle and synchronisation decision lives in the Rust
// core. This header only manages handle lifetime (move-only RAII), maps the core's negative
// codes to zinc::Error (a std::system_error carrying the code and zinc_strerror's text), and
// builds zero-copy views over the mapping.
//
//   C++17: SharedRegion, Error, zinc::View<T> (data()/size()/begin()/end()/operator[]).
//   C++20: zinc::View<T> *is a* std::span<T>, so bytes() gives a std::span<std::byte>.
//
// View-lifetime policy: DEFERRED UNMAP. close() (or the destructor) ends the region object at
// once, but the core's zinc_close (unmap, ref_count--, removal of the name when last) runs only
// when the last zinc::View obtained from bytes()/span<T>() is destroyed as well. A View can
// therefore never outlive its mapping. Raw pointers/references (data(), as<T>()) and plain
// std::span copies sliced off a View are *borrowed*, like std::string_view: they stay valid only
// while the region or a View of it is alive.
//
// Closed regions (docs/ADAPTER_CONTRACT.md): a second close() and notify() do nothing,
// capacity() is 0, and wait()/data()/views throw zinc::Error with the core's ZINC_EBADF (-9).
// A wait() blocked in another thread when the handle is closed gets that error from the core.
//
// Linking: by default this header calls the zinc_* symbols directly; link libzinc_core.so.0
// (CMake: find_package(zinc CONFIG) + target zinc::zinc; pkg-config: zinc). Define
// ZINC_DYNAMIC_LOAD before including it (CMake target zinc::dynamic) to resolve the core at run
// time instead: dlopen($ZINC_LIB) when set (no fallback), else "libzinc_core.so.0" then
// "libzinc_core.so" through the dynamic loader's search.
#ifndef ZINC_ZINC_HPP
#define ZINC_ZINC_HPP

// zinc.h is plain C without extern "C" guards; its own includes come first so that they are
// not re-entered inside the extern "C" block below.
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
extern "C" {
#include <zinc.h>
}

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#if defined(__has_include)
#if __has_include(<version>)
#include <version>
#endif
#endif
#if defined(__cpp_lib_span) && __cpp_lib_span >= 202002L
#include <span>
#define ZINC_HAS_SPAN 1
#else
#define ZINC_HAS_SPAN 0
#endif

#ifdef ZINC_DYNAMIC_LOAD
#include <dlfcn.h>

#include <cstdlib>
#include <vector>
#endif

#if __cplusplus < 201703L && !(defined(_MSVC_LANG) && _MSVC_LANG >= 201703L)
#error "zinc.hpp needs C++17 or later"
#endif

namespace zinc {

/// Thrown in ZINC_DYNAMIC_LOAD mode when libzinc_core.so (or one of its symbols) cannot be
/// loaded. Never thrown in the default (linked) mode.
class LibraryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

#ifdef ZINC_DYNAMIC_LOAD
struct Api {
  decltype(&::zinc_create) create;
  decltype(&::zinc_open) open;
  decltype(&::zinc_ptr) ptr;
  decltype(&::zinc_capacity) capacity;
  decltype(&::zinc_close) close;
  decltype(&::zinc_notify) notify;
  decltype(&::zinc_wait) wait;
  decltype(&::zinc_strerror) strerror;
};

template <class F>
inline void resolve(void* lib, const std::string& path, const char* sym, F& out) {
  void* p = ::dlsym(lib, sym);
  if (p == nullptr) {
    throw LibraryError("zinc: symbol " + std::string(sym) + " not found in " + path);
  }
  out = reinterpret_cast<F>(p);
}

inline Api load_api() {
  // docs/ADAPTER_CONTRACT.md section 2: $ZINC_LIB alone when set (no fallback), else the
  // dynamic loader by name. Never dlclose'd: mappings and handles may live until process exit.
  const char* env = std::getenv("ZINC_LIB");
  const bool from_env = env != nullptr && *env != '\0';
  std::vector<std::string> names{"libzinc_core.so.0", "libzinc_core.so"};
  if (from_env) names = {env};
  std::string path, tried;
  void* lib = nullptr;
  for (const auto& n : names) {
    path = n;
    if ((lib = ::dlopen(n.c_str(), RTLD_NOW | RTLD_LOCAL)) != nullptr) break;
    const char* why = ::dlerror();
    tried += "\n  " + (from_env ? "ZINC_LIB=" + n : n + " (dynamic loader search)") + ": " +
             (why ? why : "?");
  }
  if (lib == nullptr) throw LibraryError("zinc: cannot load libzinc_core.so; tried:" + tried);
  Api a{};
  resolve(lib, path, "zinc_create", a.create);
  resolve(lib, path, "zinc_open", a.open);
  resolve(lib, path, "zinc_ptr", a.ptr);
  resolve(lib, path, "zinc_capacity", a.capacity);
  resolve(lib, path, "zinc_close", a.close);
  resolve(lib, path, "zinc_notify", a.notify);
  resolve(lib, path, "zinc_wait", a.wait);
  resolve(lib, path, "zinc_strerror", a.strerror);
  return a;
}

// A static whose initialiser throws is retried on the next call (C++ guarantees it).
inline const Api& api() {
  static const Api a = load_api();
  return a;
}
#define ZINC_DETAIL_CALL(fn) (::zinc::detail::api().fn)
#else
#define ZINC_DETAIL_CALL(fn) (::zinc_##fn)
#endif

inline std::string core_message(int code) {
  const char* m = ZINC_DETAIL_CALL(strerror)(static_cast<int32_t>(code));
  return m != nullptr ? std::string(m) : std::string("unknown zinc error ") + std::to_string(code);
}

class ErrorCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "zinc"; }
  // The core's own text (zinc_strerror), so every language shows the same message.
  std::string message(int code) const override {
    try {
      return core_message(code);
    } catch (const LibraryError&) {
      return "zinc error " + std::to_string(code) + " (libzinc_core.so not loaded)";
    }
  }
  // Core codes are -errno, so they compare equal to the portable std::errc conditions:
  // err.code() == std::errc::file_exists holds for ZINC_EEXIST.
  std::error_condition default_error_condition(int code) const noexcept override {
    if (code < 0) return std::error_condition(-code, std::generic_category());
    return std::error_condition(code, *this);
  }
};

}  // namespace detail

/// The "zinc" error category: values are the core's (negative) codes.
inline const std::error_category& category() noexcept {
  static const detail::ErrorCategory c;
  return c;
}

/// The core's codes (include/zinc.h), usable as std::error_code enumerators.
enum class errc : int {
  permission_denied = ZINC_EPERM,   // -1
  not_found = ZINC_ENOENT,          // -2
  closed = ZINC_EBADF,              // -9 (wait or a view on a closed region)
  ring_full = ZINC_EAGAIN,          // -11 (reserved)
  already_exists = ZINC_EEXIST,     // -17
  invalid_argument = ZINC_EINVAL,   // -22 (bad name, bad size, NULL handle)
  corrupted_region = ZINC_EBADMSG,  // -74
  timed_out = ZINC_ETIMEDOUT,       // -110
};

inline std::error_code make_error_code(errc e) noexcept {
  return std::error_code(static_cast<int>(e), category());
}

}  // namespace zinc

namespace std {
template <>
struct is_error_code_enum<zinc::errc> : true_type {};
}  // namespace std

namespace zinc {

/// Every failure reported by the core. code().value() is the core's negative code (e.g. -17),
/// code().message() is zinc_strerror's text, what() is "<context>: <that text>".
class Error : public std::system_error {
 public:
  explicit Error(int code) : std::system_error(std::error_code(code, category()), "zinc") {}
  Error(int code, const std::string& context)
      : std::system_error(std::error_code(code, category()), context) {}
  /// The core's negative code (ZINC_EEXIST, ZINC_ENOENT, ... or -errno).
  int zinc_code() const noexcept { return code().value(); }
  /// The core's message for the code (zinc_strerror), without the context.
  std::string message() const { return code().message(); }
};

/// Pass to SharedRegion::wait to block without a timeout.
inline constexpr std::chrono::milliseconds forever{static_cast<std::int64_t>(ZINC_WAIT_FOREVER)};

namespace detail {

// Owns one core handle. Shared by a SharedRegion and its Views; the last owner closes it.
struct Mapping {
  ZincHandle handle = nullptr;
  std::byte* data = nullptr;
  std::size_t capacity = 0;

  explicit Mapping(ZincHandle h) noexcept : handle(h) {
    data = reinterpret_cast<std::byte*>(ZINC_DETAIL_CALL(ptr)(h));
    capacity = static_cast<std::size_t>(ZINC_DETAIL_CALL(capacity)(h));
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() { ZINC_DETAIL_CALL(close)(handle); }
};

inline std::string quoted(std::string_view name) {
  constexpr std::size_t kMax = 80;
  static const char hex[] = "0123456789abcdef";
  std::string s = "\"";
  for (const char c : name.substr(0, kMax)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') {  // keep what() printable, NUL-free
      s += "\\x";
      s += hex[u >> 4];
      s += hex[u & 0xf];
    } else {
      s += c;
    }
  }
  if (name.size() > kMax) s += "...";
  s += '"';
  return s;
}

// C strings cannot carry NUL; the core would silently see a shorter name, so refuse it with the
// core's own "invalid argument" code instead of passing a different name through.
inline std::string c_name(std::string_view name, const std::string& context) {
  if (name.find('\0') != std::string_view::npos) throw Error(ZINC_EINVAL, context);
  return std::string(name);
}

inline void check_window(std::size_t offset, std::size_t count, std::size_t elem,
                         std::size_t capacity, const char* op) {
  if (offset > capacity || count > (capacity - offset) / elem) {
    throw std::out_of_range(std::string("zinc::SharedRegion::") + op + ": offset " +
                            std::to_string(offset) + " + " + std::to_string(count) + " x " +
                            std::to_string(elem) + " bytes exceeds capacity " +
                            std::to_string(capacity));
  }
}

template <class T>
inline T* checked_cast(std::byte* base, std::size_t offset, const char* op) {
  std::byte* p = base + offset;
  if (reinterpret_cast<std::uintptr_t>(p) % alignof(T) != 0) {
    throw std::invalid_argument(std::string("zinc::SharedRegion::") + op + ": offset " +
                                std::to_string(offset) + " is not aligned to " +
                                std::to_string(alignof(T)) + " bytes");
  }
  return reinterpret_cast<T*>(p);
}

template <class T>
inline constexpr bool viewable_v =
    std::is_object_v<T> && !std::is_array_v<T> && std::is_standard_layout_v<T> &&
    std::is_trivially_destructible_v<T>;

}  // namespace detail

/// A zero-copy view of (part of) a region's data area that keeps the mapping alive: the core's
/// zinc_close is deferred until the region *and* every View of it are gone.
/// C++20: a View<T> is a std::span<T> (slicing it to a plain std::span gives a borrowed view).
template <class T>
class View
#if ZINC_HAS_SPAN
    : public std::span<T>
#endif
{
 public:
  View() noexcept = default;
  View(std::shared_ptr<detail::Mapping> keep, T* ptr, std::size_t count) noexcept
#if ZINC_HAS_SPAN
      : std::span<T>(ptr, count), keep_(std::move(keep)) {
  }
  std::span<T> span() const noexcept { return *this; }
#else
      : keep_(std::move(keep)), ptr_(ptr), count_(count) {
  }
  T* data() const noexcept { return ptr_; }
  std::size_t size() const noexcept { return count_; }
  std::size_t size_bytes() const noexcept { return count_ * sizeof(T); }
  bool empty() const noexcept { return count_ == 0; }
  T* begin() const noexcept { return ptr_; }
  T* end() const noexcept { return ptr_ + count_; }
  T& operator[](std::size_t i) const noexcept { return ptr_[i]; }
#endif
  /// Bounds-checked sub-view (elements), keeping the mapping alive.
  View subview(std::size_t offset, std::size_t count) const {
    detail::check_window(offset, count, 1, this->size(), "View::subview");
    return View(keep_, this->data() + offset, count);
  }
  /// True while this view holds a mapping (false for a default-constructed View).
  bool holds_mapping() const noexcept { return keep_ != nullptr; }

 private:
  std::shared_ptr<detail::Mapping> keep_;
#if !ZINC_HAS_SPAN
  T* ptr_ = nullptr;
  std::size_t count_ = 0;
#endif
};

/// A named shared-memory region. Move-only; the destructor closes it (never throws).
/// Thread safety: every member but moving and destroying may be called from several threads on
/// one object. close() while another thread is blocked in wait() makes that wait throw the
/// core's ZINC_EBADF error (at once when no View is alive, else when the last View goes).
class SharedRegion {
 public:
  /// Creates a new region (capacity: > 0, a multiple of the page size). Throws zinc::Error.
  static SharedRegion create(std::string_view name, std::size_t capacity) {
    const std::string ctx = "zinc::SharedRegion::create(" + detail::quoted(name) + ", " +
                            std::to_string(capacity) + ")";
    const std::string n = detail::c_name(name, ctx);
    ZincHandle h = nullptr;
    const int rc = ZINC_DETAIL_CALL(create)(n.c_str(), static_cast<uintptr_t>(capacity), &h);
    if (rc != 0) throw Error(rc, ctx);
    return SharedRegion(h, n);
  }

  /// Opens an existing region. Throws zinc::Error (errc::not_found, corrupted_region, ...).
  static SharedRegion open(std::string_view name) {
    const std::string ctx = "zinc::SharedRegion::open(" + detail::quoted(name) + ")";
    const std::string n = detail::c_name(name, ctx);
    ZincHandle h = nullptr;
    const int rc = ZINC_DETAIL_CALL(open)(n.c_str(), &h);
    if (rc != 0) throw Error(rc, ctx);
    return SharedRegion(h, n);
  }

  /// An empty region that behaves like a closed one.
  SharedRegion() noexcept = default;
  SharedRegion(const SharedRegion&) = delete;
  SharedRegion& operator=(const SharedRegion&) = delete;
  SharedRegion(SharedRegion&& other) noexcept : state_(std::move(other.state_)) {}
  SharedRegion& operator=(SharedRegion&& other) noexcept {
    if (this != &other) {
      close();
      state_ = std::move(other.state_);
    }
    return *this;
  }
  ~SharedRegion() { close(); }

  bool is_open() const noexcept { return current() != nullptr; }
  explicit operator bool() const noexcept { return is_open(); }

  /// Closes the region now (Views keep the mapping until they go). Closing again does nothing.
  void close() noexcept {
    std::shared_ptr<detail::Mapping> m;
    if (state_) {
      std::lock_guard<std::mutex> lock(state_->mu);
      m.swap(state_->map);
    }
    // m goes out of scope here: zinc_close now, unless a View holds the mapping.
  }

  /// Start of the data area (64-byte aligned). Borrowed: valid while the region or a View lives.
  std::byte* data() const { return acquire("data")->data; }
  /// Usable bytes; 0 once closed.
  std::size_t capacity() const noexcept {
    const auto m = current();
    return m ? m->capacity : 0;
  }
  /// The name given to create/open (kept after close; empty for a default-constructed region).
  std::string name() const { return state_ ? state_->name : std::string(); }
  /// The core handle, for calling zinc.h directly. Borrowed; do not zinc_close it.
  ZincHandle native_handle() const { return acquire("native_handle")->handle; }

  /// Wakes every waiter on this region (all processes). Notifications coalesce. Does nothing
  /// once closed.
  void notify() const noexcept {
    if (const auto m = current()) ZINC_DETAIL_CALL(notify)(m->handle);
  }

  /// Waits until the region is notified (true) or the timeout expires (false), in one call
  /// into the core. 0 ms polls; zinc::forever (or anything >= 2^32-1 ms) waits without a limit;
  /// negative durations poll. Throws zinc::Error: ZINC_EBADF when the region is closed, also
  /// by another thread during the wait; any other core failure.
  bool wait(std::chrono::milliseconds timeout) const {
    const auto count = timeout.count();
    std::uint32_t ms = 0;
    if (count >= static_cast<std::int64_t>(ZINC_WAIT_FOREVER)) {
      ms = static_cast<std::uint32_t>(ZINC_WAIT_FOREVER);
    } else if (count > 0) {
      ms = static_cast<std::uint32_t>(count);
    }
    // No reference to the mapping is held during the wait, so close() on another thread
    // reaches zinc_close, which wakes this call with ZINC_EBADF (the core checks handles).
    const ZincHandle h = acquire("wait")->handle;
    const int rc = ZINC_DETAIL_CALL(wait)(h, ms);
    if (rc == 0) return true;
    if (rc == ZINC_ETIMEDOUT) return false;
    throw Error(rc, "zinc::SharedRegion::wait(" + detail::quoted(name()) + ")");
  }

  /// The whole data area as bytes (a std::span<std::byte> in C++20), keeping the mapping alive.
  View<std::byte> bytes() const {
    auto m = acquire("bytes");
    std::byte* p = m->data;
    const std::size_t n = m->capacity;
    return View<std::byte>(std::move(m), p, n);
  }
  /// A window [offset, offset + length) of the data area. Throws std::out_of_range.
  View<std::byte> bytes(std::size_t offset, std::size_t length) const {
    return span<std::byte>(offset, length);
  }

  /// `count` elements of T starting at byte `offset`. Throws std::out_of_range (bounds) or
  /// std::invalid_argument (misaligned offset). T: standard-layout, trivially destructible.
  template <class T>
  View<T> span(std::size_t offset, std::size_t count) const {
    static_assert(detail::viewable_v<T>,
                  "zinc: T must be a standard-layout, trivially destructible object type");
    auto m = acquire("span");
    detail::check_window(offset, count, sizeof(T), m->capacity, "span");
    T* p = detail::checked_cast<T>(m->data, offset, "span");
    return View<T>(std::move(m), p, count);
  }
  /// The whole data area as T elements (capacity / sizeof(T) of them).
  template <class T>
  View<T> span() const {
    return span<T>(0, acquire("span")->capacity / sizeof(T));
  }

  /// A reference to one T at byte `offset` (e.g. region.as<OrderBook>()). Bounds- and
  /// alignment-checked like span(). Borrowed, like data().
  template <class T>
  T& as(std::size_t offset = 0) const {
    static_assert(detail::viewable_v<T>,
                  "zinc: T must be a standard-layout, trivially destructible object type");
    const auto m = acquire("as");
    detail::check_window(offset, 1, sizeof(T), m->capacity, "as");
    return *detail::checked_cast<T>(m->data, offset, "as");
  }

 private:
  struct State {
    std::mutex mu;
    std::shared_ptr<detail::Mapping> map;
    std::string name;
  };

  SharedRegion(ZincHandle h, const std::string& name) {
    try {
      state_ = std::make_unique<State>();
      state_->name = name;
      state_->map = std::make_shared<detail::Mapping>(h);
    } catch (...) {
      if (!state_ || !state_->map) ZINC_DETAIL_CALL(close)(h);
      throw;
    }
  }

  std::shared_ptr<detail::Mapping> current() const noexcept {
    if (!state_) return nullptr;
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->map;
  }

  // The mapping, or the core's "closed" error (ZINC_EBADF and zinc_strerror's text).
  std::shared_ptr<detail::Mapping> acquire(const char* op) const {
    auto m = current();
    if (!m)
      throw Error(ZINC_EBADF,
                  "zinc::SharedRegion::" + std::string(op) + "(" + detail::quoted(name()) + ")");
    return m;
  }

  std::unique_ptr<State> state_;
};

/// The core's message for any code (zinc_strerror).
inline std::string strerror(int code) { return detail::core_message(code); }

}  // namespace zinc

#undef ZINC_DETAIL_CALL
#endif  // ZINC_ZINC_HPP
