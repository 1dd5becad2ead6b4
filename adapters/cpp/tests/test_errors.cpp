// Every error path: the core's codes and messages surface as zinc::Error.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <functional>

#include "common.hpp"

using namespace std::chrono_literals;

namespace {

// Runs f, expects a zinc::Error with `code`, and checks what the error carries.
void expect_zinc_error(const std::function<void()>& f, int code, std::errc portable,
                       const std::string& context_part) {
  try {
    f();
    ADD_FAILURE() << "no exception, expected code " << code;
  } catch (const zinc::Error& e) {
    EXPECT_EQ(e.zinc_code(), code);
    EXPECT_EQ(e.code().value(), code);
    EXPECT_EQ(&e.code().category(), &zinc::category());
    EXPECT_STREQ(e.code().category().name(), "zinc");
    EXPECT_EQ(e.code(), portable);                       // via default_error_condition
    EXPECT_EQ(e.code(), static_cast<zinc::errc>(code));  // zinc's own enumerators
    EXPECT_EQ(e.message(), zt::core_text(code));         // the core's text, verbatim
    EXPECT_EQ(e.message(), zinc::strerror(code));
    const std::string what = e.what();
    EXPECT_NE(what.find(e.message()), std::string::npos) << what;
    EXPECT_NE(what.find(context_part), std::string::npos) << what;
  }
}

}  // namespace

TEST(Errors, CreateBadName) {
  expect_zinc_error([] { zinc::SharedRegion::create("bad/name", zt::kPage); }, ZINC_EINVAL,
                    std::errc::invalid_argument, "create(\"bad/name\", 4096)");
  expect_zinc_error([] { zinc::SharedRegion::create("", zt::kPage); }, ZINC_EINVAL,
                    std::errc::invalid_argument, "create(\"\"");
  // 251 bytes: over the core's 250-byte limit.
  const std::string long_name(251, 'a');
  expect_zinc_error([&] { zinc::SharedRegion::create(long_name, zt::kPage); }, ZINC_EINVAL,
                    std::errc::invalid_argument, "...");
}

TEST(Errors, NameWithNulIsRejectedNotTruncated) {
  const auto name = zt::unique_name();
  const std::string with_nul = name + std::string("\0x", 2);
  expect_zinc_error([&] { zinc::SharedRegion::create(with_nul, zt::kPage); }, ZINC_EINVAL,
                    std::errc::invalid_argument, "create(");
  EXPECT_FALSE(zt::shm_exists(name));  // nothing was created under the truncated name
  expect_zinc_error([&] { zinc::SharedRegion::open(with_nul); }, ZINC_EINVAL,
                    std::errc::invalid_argument, "open(");
}

TEST(Errors, CreateBadSize) {
  const auto name = zt::unique_name();
  expect_zinc_error([&] { zinc::SharedRegion::create(name, 1000); }, ZINC_EINVAL,
                    std::errc::invalid_argument, "1000)");
  expect_zinc_error([&] { zinc::SharedRegion::create(name, 0); }, ZINC_EINVAL,
                    std::errc::invalid_argument, ", 0)");
  expect_zinc_error([&] { zinc::SharedRegion::create(name, zt::kPage + 1); }, ZINC_EINVAL,
                    std::errc::invalid_argument, "create(");
  EXPECT_FALSE(zt::shm_exists(name));
}

TEST(Errors, CreateExisting) {
  const auto name = zt::unique_name();
  auto r = zinc::SharedRegion::create(name, zt::kPage);
  expect_zinc_error([&] { zinc::SharedRegion::create(name, zt::kPage); }, ZINC_EEXIST,
                    std::errc::file_exists, name);
  EXPECT_TRUE(r.is_open());  // the failed create did not disturb the live region
}

TEST(Errors, OpenMissing) {
  const auto name = zt::unique_name();
  expect_zinc_error([&] { zinc::SharedRegion::open(name); }, ZINC_ENOENT,
                    std::errc::no_such_file_or_directory, "open(\"" + name + "\")");
  expect_zinc_error([] { zinc::SharedRegion::open("bad name"); }, ZINC_EINVAL,
                    std::errc::invalid_argument, "open(");
}

TEST(Errors, OpenCorruptedRegion) {
  // A hostile object: right size for one page, garbage header.
  const auto name = zt::unique_name();
  const std::string path = "/dev/shm/zinc_" + name;
  const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  std::string junk(64 + zt::kPage, 'J');
  ASSERT_EQ(::write(fd, junk.data(), junk.size()), static_cast<ssize_t>(junk.size()));
  ::close(fd);
  expect_zinc_error([&] { zinc::SharedRegion::open(name); }, ZINC_EBADMSG, std::errc::bad_message,
                    name);
  ::unlink(path.c_str());

  // Truncated: shorter than the header.
  const int fd2 = ::open(path.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
  ASSERT_GE(fd2, 0);
  ASSERT_EQ(::write(fd2, "ZINC", 4), 4);
  ::close(fd2);
  try {
    zinc::SharedRegion::open(name);
    ADD_FAILURE() << "open of a 4-byte object succeeded";
  } catch (const zinc::Error& e) {
    // SPEC §5: CorruptedRegion, or NotFound for a stale one.
    EXPECT_TRUE(e.zinc_code() == ZINC_EBADMSG || e.zinc_code() == ZINC_ENOENT) << e.what();
  }
  ::unlink(path.c_str());
}

TEST(Errors, OpenWithoutPermission) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to an unprivileged user";
  const auto name = zt::unique_name();
  auto r = zinc::SharedRegion::create(name, zt::kPage);  // mode 0600, owned by root
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // Child: become nobody, then opening root's 0600 object must fail with EPERM (-1).
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(10);
    try {
      auto o = zinc::SharedRegion::open(name);
      ::_exit(11);
    } catch (const zinc::Error& e) {
      const bool ok = e.zinc_code() == ZINC_EPERM &&
                      e.code() == std::errc::operation_not_permitted &&
                      e.message() == zt::core_text(ZINC_EPERM);
      ::_exit(ok ? 0 : 12);
    } catch (...) {
      ::_exit(13);
    }
  }
  EXPECT_EQ(zt::wait_child(pid), 0);
}

TEST(Errors, CodesMapToPortableConditions) {
  // Codes the suite cannot provoke on demand (RingFull is reserved, ENOSPC needs a full
  // /dev/shm, ETIMEDOUT is a `false` from wait): the mapping still holds.
  struct Case {
    int code;
    std::errc cond;
  };
  const Case cases[] = {
      {ZINC_EPERM, std::errc::operation_not_permitted},
      {ZINC_ENOENT, std::errc::no_such_file_or_directory},
      {ZINC_EBADF, std::errc::bad_file_descriptor},
      {ZINC_EAGAIN, std::errc::resource_unavailable_try_again},
      {ZINC_EEXIST, std::errc::file_exists},
      {ZINC_EINVAL, std::errc::invalid_argument},
      {ZINC_EBADMSG, std::errc::bad_message},
      {ZINC_ETIMEDOUT, std::errc::timed_out},
      {-28, std::errc::no_space_on_device},
  };
  for (const auto& c : cases) {
    const zinc::Error e(c.code, "ctx");
    EXPECT_EQ(e.zinc_code(), c.code);
    EXPECT_EQ(e.code(), c.cond) << c.code;
    EXPECT_NE(e.code(), std::errc::io_error) << c.code;
    EXPECT_EQ(e.message(), zt::core_text(c.code));
    EXPECT_FALSE(e.message().empty());
    EXPECT_EQ(std::string(e.what()), "ctx: " + e.message());
  }
  EXPECT_EQ(zinc::make_error_code(zinc::errc::already_exists).value(), ZINC_EEXIST);
  const std::error_code ec = zinc::errc::timed_out;
  EXPECT_EQ(ec, std::errc::timed_out);
}

TEST(Errors, WaitTimeoutIsFalseNotAnError) {
  const auto name = zt::unique_name();
  auto r = zinc::SharedRegion::create(name, zt::kPage);
  EXPECT_FALSE(r.wait(0ms));
  EXPECT_FALSE(r.wait(20ms));
  EXPECT_FALSE(r.wait(-5ms));  // negative polls
}
