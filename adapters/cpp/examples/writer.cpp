// writer: creates the region, writes "hello", and waits for the reader's "world".
#include <zinc/zinc.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>

using namespace std::chrono_literals;

int main(int argc, char** argv) try {
  const std::string name = argc > 1 ? argv[1] : "frames";
  auto region = zinc::SharedRegion::create(name, 1 << 20);  // 1 MiB, a multiple of the page size
  std::span<std::byte> data = region.bytes();               // the shared pages, no copy
  std::memcpy(data.data(), "hello", 5);
  region.notify();  // wakes every waiter, in every process
  std::printf("writer: wrote hello to %s, waiting for the reply\n", name.c_str());
  std::fflush(stdout);

  // A handle also sees its own notify, so a wake-up is only a hint: loop on the data itself.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::memcmp(data.data() + 5, "world", 5) != 0) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("no reply in 30 s");
    region.wait(1s);  // true when notified, false on timeout
  }
  std::printf("writer: got world\n");
  return 0;  // the destructor closes the region; the last handle out removes it
} catch (const std::exception& e) {  // zinc::Error carries the core's code and message
  std::fprintf(stderr, "writer: %s\n", e.what());
  return 1;
}
