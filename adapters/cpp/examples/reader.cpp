// reader: waits for the writer's region, waits for "hello", and replies "world".
#include <zinc/zinc.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>

using namespace std::chrono_literals;

int main(int argc, char** argv) try {
  const std::string name = argc > 1 ? argv[1] : "frames";
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  zinc::SharedRegion region;
  while (!region) {  // started before the writer? retry until its region exists
    try {
      region = zinc::SharedRegion::open(name);
    } catch (const zinc::Error& e) {
      if (e.code() != zinc::errc::not_found || std::chrono::steady_clock::now() > deadline) throw;
      std::this_thread::sleep_for(20ms);
    }
  }
  std::span<std::byte> data = region.bytes();          // the writer's pages, no copy
  while (std::memcmp(data.data(), "hello", 5) != 0) {  // it may be there already
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("no data in 30 s");
    region.wait(1s);
  }
  std::memcpy(data.data() + 5, "world", 5);
  region.notify();
  std::printf("reader: got hello from %s, replied world\n", name.c_str());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "reader: %s\n", e.what());
  return 1;
}
