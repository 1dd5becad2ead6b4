// Test entry point: runs the GoogleTest suite, or a child role when re-executed with
// --zinc-child (cross-process tests spawn this same binary). After the tests, fails if any
// zinc_t_cpp_<pid>_* object is left in /dev/shm.
#include <gtest/gtest.h>

#include <cstring>

#include "common.hpp"

namespace {
class ShmLeakCheck : public ::testing::Environment {
 public:
  void TearDown() override {
    const auto left = zt::leaked();
    std::string joined;
    for (const auto& n : left) joined += " " + n;
    EXPECT_TRUE(left.empty()) << "left in /dev/shm:" << joined;
  }
};
}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--zinc-child") == 0) return zt::run_child(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new ShmLeakCheck);
  return RUN_ALL_TESTS();
}
