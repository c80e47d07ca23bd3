#include "notify/notify_stage.h"

#include <gtest/gtest.h>

#include "core/config.h"
#include "core/stage_links.h"

namespace abuseflow::notify {
namespace {

// Only the checks made before any socket is bound; the stage's traffic is
// covered by tests/integration.
class NotifyStageTest : public ::testing::Test {};

TEST_F(NotifyStageTest, BadSenderStopsTheStageBeforeAnyMailIsTried) {
  core::Config config;
  config.notify.from = "Abuse Desk <abuse@lab.example>";
  NotifyStage stage(config, core::StageLinks{});
  core::Status status = stage.Run();
  EXPECT_EQ(status.code(), core::Status::Code::kInvalidArgument);
  EXPECT_NE(status.message().find("notify.from"), std::string::npos) << status.message();
  EXPECT_EQ(stage.stats().mails, 0u);
}

TEST_F(NotifyStageTest, MissingTemplateStopsTheStageWithIoError) {
  core::Config config;
  config.notify.from = " abuse-reports@lab.example ";  // spaces around are allowed
  config.notify.template_path = "/nonexistent/notice.mustache";
  NotifyStage stage(config, core::StageLinks{});
  core::Status status = stage.Run();
  EXPECT_EQ(status.code(), core::Status::Code::kIoError);
  EXPECT_NE(status.message().find("/nonexistent/notice.mustache"), std::string::npos);
}

}  // namespace
}  // namespace abuseflow::notify
