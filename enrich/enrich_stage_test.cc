#include "enrich/enrich_stage.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/cause_order.h"
#include "core/shutdown.h"

namespace abuseflow::enrich {
namespace {

constexpr char kStream[] = "ingest:test";

v1::Envelope IngestBatch(uint64_t cause_seq, bool end = false) {
  v1::Envelope e;
  e.set_batch_seq(cause_seq);
  e.set_cause_origin(kStream);
  e.set_cause_seq(cause_seq);
  if (end) {
    e.mutable_end_of_stream()->set_origin("ingest");
    return e;
  }
  v1::ProbeEvent* event = e.mutable_events()->add_events();
  event->set_src(std::string("\x7f\x00\x00", 3) + static_cast<char>(cause_seq));
  event->set_raw("probe " + std::to_string(cause_seq));
  return e;
}

// Dedup holds a batch that arrives before its turn and acknowledges it only
// once applied. Ingest here sends batches 2..40 before batch 1, as a resend
// after a crash does: enrich must still get batch 1 through, however many
// held batches dedup has not acknowledged (a credit window full of them
// once kept enrich from reading batch 1 at all).
TEST(EnrichStageTest, BatchWhoseTurnItIsGetsThroughPastHeldOnes) {
  constexpr uint64_t kBatches = 40;
  core::ResetStop();
  zmq::context_t context;
  auto dedup = core::BatchReceiver::Bind(context, "inproc://enrich-test-dedup");
  ASSERT_TRUE(dedup.ok()) << dedup.status().ToString();
  core::SenderOptions wide;
  wide.window = 64;
  auto ingest = core::BatchSender::Connect(context, "inproc://enrich-test-in", "ingest", wide);
  ASSERT_TRUE(ingest.ok()) << ingest.status().ToString();

  core::Config config;
  core::StageLinks links;
  links.context = &context;
  links.input = "inproc://enrich-test-in";
  links.outputs = {"inproc://enrich-test-dedup"};
  links.name = "enrich-0";
  EnrichStage stage(config, links);
  core::Status result;
  std::thread enrich([&] { result = stage.Run(); });

  for (uint64_t seq = 2; seq <= kBatches; ++seq) {
    v1::Envelope e = IngestBatch(seq);
    ASSERT_TRUE((*ingest)->Send(&e).ok());
  }
  v1::Envelope first = IngestBatch(1);
  ASSERT_TRUE((*ingest)->Send(&first).ok());
  v1::Envelope end = IngestBatch(kBatches + 1, /*end=*/true);
  ASSERT_TRUE((*ingest)->Send(&end).ok());

  core::CauseOrder order;
  std::vector<uint64_t> applied;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (((*ingest)->in_flight() > 0 || applied.size() < kBatches + 1) &&
         std::chrono::steady_clock::now() < deadline) {
    if (auto r = (*dedup)->Receive(std::chrono::milliseconds(10))) {
      if (order.Offer(&*r) == core::CauseOrder::Offered::kDone) (*dedup)->Ack(*r);
    }
    while (auto ready = order.Pop()) {
      applied.push_back(ready->seq);
      for (const core::Received& part : ready->parts) (*dedup)->Ack(part);
      for (const core::Received& copy : ready->copies) (*dedup)->Ack(copy);
    }
    ASSERT_TRUE((*ingest)->Poll(std::chrono::milliseconds(0)).ok());
  }
  const bool finished = (*ingest)->in_flight() == 0;
  if (!finished) core::RequestStop();  // so that the stage's thread ends and the failure is reported
  enrich.join();
  core::ResetStop();
  ASSERT_TRUE(finished) << "enrich forwarded " << applied.size() << " of " << kBatches + 1
                        << " batches in turn; ingest still has " << (*ingest)->in_flight() << " unacknowledged";
  EXPECT_TRUE(result.ok()) << result.ToString();
  std::vector<uint64_t> expected;
  for (uint64_t seq = 1; seq <= kBatches + 1; ++seq) expected.push_back(seq);
  EXPECT_EQ(applied, expected);
  EXPECT_EQ(stage.stats().events, kBatches);
  EXPECT_EQ(stage.stats().transport.dropped, 0u);
}

TEST(EnrichStageTest, UnreadableDelegatedOrAsnTableFileStopsTheStageNamingIt) {
  zmq::context_t context;
  core::StageLinks links;
  links.context = &context;
  links.input = "inproc://enrich-test-files";
  links.outputs = {"inproc://enrich-test-files-dedup"};
  links.name = "enrich-0";
  core::Config config;
  config.enrich.delegated = {"/nonexistent/delegated-ripencc-extended"};
  core::Status s = EnrichStage(config, links).Run();
  EXPECT_EQ(s.code(), core::Status::Code::kIoError);
  EXPECT_NE(s.message().find("/nonexistent/delegated-ripencc-extended"), std::string::npos);
  config.enrich.delegated.clear();
  config.enrich.asn_table = "/nonexistent/pfx2as";
  s = EnrichStage(config, links).Run();
  EXPECT_EQ(s.code(), core::Status::Code::kIoError);
  EXPECT_NE(s.message().find("/nonexistent/pfx2as"), std::string::npos);
}

// The config's delegated files and ASN overrides reach the stage's Enricher:
// an address of an override ASN gets its contact, another the delegated country.
TEST(EnrichStageTest, DelegatedCountryAndAsnOverrideComeFromTheConfigFiles) {
  core::ResetStop();
  zmq::context_t context;
  auto dedup = core::BatchReceiver::Bind(context, "inproc://enrich-test-offline-dedup");
  ASSERT_TRUE(dedup.ok()) << dedup.status().ToString();
  auto ingest = core::BatchSender::Connect(context, "inproc://enrich-test-offline", "ingest");
  ASSERT_TRUE(ingest.ok()) << ingest.status().ToString();
  core::Config config;
  config.enrich.delegated = {ABUSEFLOW_OFFLINE_FIXTURES "/delegated-ripencc-extended-20241130"};
  config.enrich.asn_table = ABUSEFLOW_OFFLINE_FIXTURES "/routeviews-rv2-20241130-1200.pfx2as";
  core::OwnerOverrideConfig isp;
  isp.asns = {64500};
  isp.contact = "isp@example.net";
  config.enrich.overrides = {isp};
  core::StageLinks links;
  links.context = &context;
  links.input = "inproc://enrich-test-offline";
  links.outputs = {"inproc://enrich-test-offline-dedup"};
  links.name = "enrich-0";
  EnrichStage stage(config, links);
  core::Status result;
  std::thread enrich([&] { result = stage.Run(); });
  v1::Envelope batch = IngestBatch(1);
  batch.mutable_events()->mutable_events(0)->set_src(std::string("\xc2\xa0\x02\x07", 4));  // 194.160.2.7
  batch.mutable_events()->add_events()->set_src(std::string("\xc6\x33\x64\x01", 4));     // 198.51.100.1
  ASSERT_TRUE((*ingest)->Send(&batch).ok());
  v1::Envelope end = IngestBatch(2, /*end=*/true);
  ASSERT_TRUE((*ingest)->Send(&end).ok());
  std::vector<v1::OwnerRecord> owners;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while ((*ingest)->in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
    if (auto r = (*dedup)->Receive(std::chrono::milliseconds(10))) {
      for (const v1::EnrichedEvent& e : r->envelope.enriched().events()) owners.push_back(e.owner());
      (*dedup)->Ack(*r);
    }
    ASSERT_TRUE((*ingest)->Poll(std::chrono::milliseconds(0)).ok());
  }
  if ((*ingest)->in_flight() > 0) core::RequestStop();
  enrich.join();
  core::ResetStop();
  EXPECT_TRUE(result.ok()) << result.ToString();
  ASSERT_EQ(owners.size(), 2u);
  EXPECT_TRUE(owners[0].unresolved());
  EXPECT_EQ(owners[0].country(), "SK");
  ASSERT_EQ(owners[1].abuse_size(), 1);
  EXPECT_EQ(owners[1].abuse(0), "isp@example.net");
  EXPECT_EQ(stage.stats().country_from_delegated, 1u);
  EXPECT_EQ(stage.stats().overridden, 1u);
}

}  // namespace
}  // namespace abuseflow::enrich
