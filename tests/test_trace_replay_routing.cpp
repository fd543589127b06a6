// Routing replayed from a trace: tokens found by request and position, errors for tokens the
// trace does not have.

#include <vector>

#include <catch2/catch.hpp>

#include "sim/config_error.h"
#include "traces/memory_trace_reader.h"
#include "traces/trace_replay_routing.h"

using namespace moesim;
using Catch::Matchers::Contains;

namespace {

TraceHeader header() {
  TraceHeader h;
  h.layers = 2;
  h.experts = 8;
  h.top_k = 2;
  return h;
}

void add(RoutingBatch& b, uint64_t request, uint32_t position, uint32_t layer,
         std::vector<uint32_t> experts) {
  b.push(RoutingRecordView{0, request, position, TokenPhase::prefill, layer, experts, {}});
}

}  // namespace

TEST_CASE("trace replay gives each token the experts its records chose", "[trace]") {
  RoutingBatch b;
  add(b, 7, 0, 0, {1, 2});
  add(b, 7, 0, 1, {3});  // one choice: dynamic k replays as recorded
  add(b, 7, 1, 0, {4, 5});
  add(b, 7, 1, 1, {6, 7});
  add(b, 9, 0, 0, {});  // a null-expert token chose nothing
  add(b, 9, 0, 1, {0, 1});
  MemoryTraceReader reader(header(), b);
  TraceReplayRouting replay(reader, 2, 8, "mem.jsonl");
  CHECK(replay.tokens() == 3);

  const std::vector<TokenContext> tokens{{0, 9, 0, TokenPhase::prefill},
                                         {0, 7, 1, TokenPhase::prefill},
                                         {0, 7, 0, TokenPhase::prefill}};
  TokenRouting out;
  replay.generate_with_context(0, tokens, out);
  REQUIRE(out.tokens() == 3);
  CHECK(out.choices(0).empty());
  CHECK(std::vector<uint32_t>(out.choices(1).begin(), out.choices(1).end()) ==
        std::vector<uint32_t>{4, 5});
  CHECK(std::vector<uint32_t>(out.choices(2).begin(), out.choices(2).end()) ==
        std::vector<uint32_t>{1, 2});
  replay.generate_with_context(1, tokens, out);
  CHECK(out.choices(2).size() == 1);

  const std::vector<TokenContext> unknown{{0, 7, 5, TokenPhase::decode}};
  CHECK_THROWS_WITH(replay.generate_with_context(0, unknown, out),
                    Contains("mem.jsonl") && Contains("request 7 position 5 layer 0"));
  CHECK_THROWS_AS(replay.generate(0, 1, out), std::logic_error);
}

TEST_CASE("trace replay refuses a trace of another model or with repeated records", "[trace]") {
  RoutingBatch b;
  add(b, 1, 0, 0, {1, 2});
  {
    MemoryTraceReader reader(header(), b);
    CHECK_THROWS_AS(TraceReplayRouting(reader, 2, 16, "other.mtr"), ConfigError);
  }
  add(b, 1, 0, 0, {3, 4});
  MemoryTraceReader reader(header(), b);
  CHECK_THROWS_WITH(TraceReplayRouting(reader, 2, 8, "twice.mtr"),
                    Contains("twice.mtr: record 1") && Contains("appears twice"));
}
