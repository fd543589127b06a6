#include "traces/trace_replay_routing.h"

#include <stdexcept>

#include <fmt/format.h>

#include "sim/config_error.h"
#include "sim/rng.h"
#include "traces/trace_checks.h"

namespace moesim {

size_t TraceReplayRouting::TokenKeyHash::operator()(const TokenKey& k) const {
  return static_cast<size_t>(splitmix64(k.request * 0x9E3779B97F4A7C15ULL + k.position));
}

TraceReplayRouting::TraceReplayRouting(TraceReader& reader, uint32_t layers, uint32_t experts,
                                       std::string trace_path)
    : layers_(layers), experts_(experts), path_(std::move(trace_path)) {
  check_trace_matches_model(reader.header(), layers, experts, path_);
  constexpr size_t kBatch = 65536;  // records per read
  RoutingBatch batch;
  uint64_t record = 0;
  while (reader.next(batch, kBatch)) {
    for (size_t i = 0; i < batch.size(); ++i, ++record) {
      const RoutingRecordView r = batch.record(i);
      const auto [it, added] =
          index_.try_emplace(TokenKey{r.request, r.position}, static_cast<uint32_t>(index_.size()));
      if (added) {
        first_choice_.resize(first_choice_.size() + layers_, kMissing);
        choice_count_.resize(choice_count_.size() + layers_, 0);
      }
      const size_t slot = size_t{it->second} * layers_ + r.layer;
      if (first_choice_[slot] != kMissing) {
        throw ConfigError(
            fmt::format("{}: record {}: request {} position {} layer {} appears twice", path_,
                        record, r.request, r.position, r.layer));
      }
      first_choice_[slot] = static_cast<uint32_t>(choices_.size());
      choice_count_[slot] = static_cast<uint32_t>(r.experts.size());
      choices_.insert(choices_.end(), r.experts.begin(), r.experts.end());
    }
  }
}

void TraceReplayRouting::generate(uint32_t, uint32_t, TokenRouting&) {
  throw std::logic_error("trace replay needs each token's request and position");
}

void TraceReplayRouting::generate_with_context(uint32_t layer, std::span<const TokenContext> tokens,
                                               TokenRouting& out) {
  out.clear(experts_);
  for (const TokenContext& t : tokens) {
    const auto it = index_.find(TokenKey{t.request, t.position});
    const size_t slot = it == index_.end() ? 0 : size_t{it->second} * layers_ + layer;
    if (it == index_.end() || layer >= layers_ || first_choice_[slot] == kMissing) {
      throw ConfigError(fmt::format("{}: no routing record for request {} position {} layer {}",
                                    path_, t.request, t.position, layer));
    }
    const uint32_t* first = choices_.data() + first_choice_[slot];
    out.experts.insert(out.experts.end(), first, first + choice_count_[slot]);
    out.close_token();
  }
}

}  // namespace moesim
