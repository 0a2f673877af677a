// The error policy: diagnostic text, ordering, UserError contents, and that a broken internal
// invariant ends the process with exit code 3 and the file and line.
#include <gtest/gtest.h>

#include "base/error.h"

namespace npu {
namespace {

TEST(Diagnostic, FormatsLocationAndMessage) {
  EXPECT_EQ((Diagnostic{{"a.yaml", 3, 7}, "x: bad"}).to_string(), "a.yaml:3:7: error: x: bad");
  EXPECT_EQ((Diagnostic{{"a.yaml", 3, 0}, "m"}).to_string(), "a.yaml:3: error: m");
  EXPECT_EQ((Diagnostic{{"a.yaml", 0, 0}, "m"}).to_string(), "a.yaml: error: m");
}

TEST(DiagnosticList, SortsByFileLineColumnAndThrowsEverything) {
  DiagnosticList list;
  EXPECT_NO_THROW(list.throw_if_any());
  list.error({"b", 1, 1}, "third");
  list.error({"a", 2, 5}, "second");
  list.error({"a", 2, 1}, "first");
  list.error({"b", 1, 1}, "fourth");  // same location: keeps insertion order
  try {
    list.throw_if_any();
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(),
                 "a:2:1: error: first\na:2:5: error: second\nb:1:1: error: third\n"
                 "b:1:1: error: fourth");
    ASSERT_EQ(e.diagnostics().size(), 4u);
    EXPECT_EQ(e.diagnostics()[1].location.column, 5u);
  }
}

TEST(UserError, WithoutLocation) {
  EXPECT_STREQ(UserError("no kernel named 'k'").what(), "error: no kernel named 'k'");
}

TEST(InternalError, ExitsThreeNamingFileAndLine) {
  EXPECT_EXIT(NPU_CHECK(1 + 1 == 3, "arithmetic"), testing::ExitedWithCode(kExitInternalError),
              "internal error at .*error_test.cc:[0-9]+: check failed: 1 \\+ 1 == 3: arithmetic");
}

}  // namespace
}  // namespace npu
