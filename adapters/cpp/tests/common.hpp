// Shared helpers of the C++ adapter's GoogleTest suites.
#pragma once

#include <gtest/gtest.h>
#include <zinc/zinc.hpp>

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace zt {

constexpr std::size_t kPage = 4096;

/// A region name unique to this process and call: t_cpp_<pid>_<counter>.
std::string unique_name();
/// The prefix every region of this process starts with (for the leak check).
std::string name_prefix();
/// True when /dev/shm/zinc_<name> exists.
bool shm_exists(const std::string& name);
/// Our objects still present in /dev/shm (zinc_t_cpp_<pid>_*).
std::vector<std::string> leaked();

/// Re-executes this test binary as a child process: <self> --zinc-child <args...>.
pid_t spawn_child(const std::vector<std::string>& args);
/// Waits for a child; its exit status, or 128 + signal number.
int wait_child(pid_t pid);

inline std::uint8_t pattern(std::uint32_t seed, std::uint32_t i) {
  return static_cast<std::uint8_t>(((i ^ (i >> 8) ^ (i >> 16)) + seed) & 0xFFu);
}
inline std::uint8_t reply(std::uint32_t seed, std::uint32_t i) {
  return static_cast<std::uint8_t>(255u - pattern(seed, i));
}

/// zinc_strerror(code) straight from the core, bypassing the adapter (in ZINC_DYNAMIC_LOAD builds
/// the test resolves it itself from $ZINC_LIB).
std::string core_text(int code);

/// Runs f and expects the core's "closed" error: zinc::Error with ZINC_EBADF (-9),
/// std::errc::bad_file_descriptor, zinc::errc::closed and zinc_strerror(-9) as its message.
inline void expect_closed(const std::function<void()>& f) {
  try {
    f();
    ADD_FAILURE() << "no exception, expected ZINC_EBADF";
  } catch (const zinc::Error& e) {
    EXPECT_EQ(e.zinc_code(), ZINC_EBADF) << e.what();
    EXPECT_EQ(e.code(), std::errc::bad_file_descriptor);
    EXPECT_EQ(e.code(), zinc::errc::closed);
    EXPECT_EQ(e.message(), core_text(ZINC_EBADF));
    EXPECT_NE(std::string(e.what()).find(e.message()), std::string::npos) << e.what();
  }
}

/// Child roles (run by main() for --zinc-child); returns the exit status.
int run_child(int argc, char** argv);

}  // namespace zt
