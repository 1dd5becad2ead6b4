// Zinc C++ example: a camera process hands a 640x480 16-bit frame to a vision process with no
// copy. Run without arguments: it creates the region, starts itself again as the consumer
// (a second process), writes the frame in place, notifies, and waits for the consumer's answer.
#include <zinc/zinc.hpp>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <numeric>
#include <span>
#include <string>

extern char** environ;
using namespace std::chrono_literals;

namespace {

constexpr std::uint32_t kWidth = 640, kHeight = 480;
constexpr std::size_t kPixelsAt = 64;  // frame header first, pixels after it
constexpr std::size_t kCapacity = 151 * 4096;  // >= 64 + 640*480*2, a multiple of the page

struct FrameHeader {  // lives in shared memory
  std::uint64_t frame_no;
  std::uint32_t width, height;
  std::uint64_t consumer_sum;  // written back by the consumer
};

// Waits on `r` until pred() holds (our own notify() also wakes our handle); false after 10 s.
template <class Pred>
bool wait_until(const zinc::SharedRegion& r, Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    r.wait(200ms);
  }
  return true;
}

int consumer(const std::string& name) {
  auto region = zinc::SharedRegion::open(name);
  auto& hdr = region.as<FrameHeader>();
  region.notify();  // "I'm attached"
  if (!wait_until(region, [&] { return hdr.frame_no == 1; })) return 3;
  std::span<const std::uint16_t> pixels =
      region.span<const std::uint16_t>(kPixelsAt, std::size_t{hdr.width} * hdr.height);
  hdr.consumer_sum = std::accumulate(pixels.begin(), pixels.end(), std::uint64_t{0});
  region.notify();
  return 0;
}

int producer() {
  const std::string name = "example_cpp_" + std::to_string(::getpid());
  auto region = zinc::SharedRegion::create(name, kCapacity);
  auto& hdr = region.as<FrameHeader>();

  std::string self = "/proc/self/exe", role = "consume", arg = name;
  char* argv[] = {self.data(), role.data(), arg.data(), nullptr};
  pid_t child = -1;
  if (posix_spawn(&child, "/proc/self/exe", nullptr, nullptr, argv, environ) != 0) return 2;

  int rc = 0;
  if (!region.wait(10s)) {
    std::fprintf(stderr, "consumer never attached\n");
    rc = 4;
  } else {
    // "Capture" straight into shared memory.
    auto pixels = region.span<std::uint16_t>(kPixelsAt, std::size_t{kWidth} * kHeight);
    for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint16_t>(i % 4096);
    const std::uint64_t expected = std::accumulate(pixels.begin(), pixels.end(), std::uint64_t{0});
    hdr.width = kWidth;
    hdr.height = kHeight;
    hdr.consumer_sum = 0;
    hdr.frame_no = 1;
    region.notify();
    if (!wait_until(region, [&] { return hdr.consumer_sum != 0; })) {
      std::fprintf(stderr, "no answer from the consumer\n");
      rc = 5;
    } else {
      std::printf("frame %ux%u shared through /dev/shm/zinc_%s: consumer sum %llu, expected %llu\n",
                  kWidth, kHeight, name.c_str(),
                  static_cast<unsigned long long>(hdr.consumer_sum),
                  static_cast<unsigned long long>(expected));
      rc = hdr.consumer_sum == expected ? 0 : 6;
    }
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) rc = 7;
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 3 && std::string(argv[1]) == "consume") return consumer(argv[2]);
    return producer();
  } catch (const zinc::Error& e) {
    std::fprintf(stderr, "zinc error %d: %s\n", e.zinc_code(), e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
