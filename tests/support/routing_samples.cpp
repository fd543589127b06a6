#include "support/routing_samples.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

namespace moesim::test {

RoutingBatch sample_routing(const TraceHeader& header, size_t records) {
  const float special_scores[] = {0.5f, -0.0f, 1e-30f, 3.4e38f, 0.1f, 1.0f / 3.0f, -2.75f};
  RoutingBatch batch;
  std::vector<uint32_t> experts;
  std::vector<float> scores;
  for (size_t i = 0; i < records; ++i) {
    RoutingRecordView r;
    r.step = i % 11 == 10 ? std::numeric_limits<uint64_t>::max() : i / 7;
    r.request = i % 5 == 0 ? std::numeric_limits<uint64_t>::max() - i : i * 1000003;
    r.position = i % 13 == 12 ? std::numeric_limits<uint32_t>::max() : static_cast<uint32_t>(i);
    r.phase = i % 3 == 0 ? TokenPhase::prefill : TokenPhase::decode;
    r.layer = i % 9 == 8 ? header.layers - 1 : static_cast<uint32_t>(i % header.layers);
    const size_t count = i % (header.top_k + 2);
    experts.clear();
    for (size_t k = 0; k < count; ++k) {
      experts.push_back(k == 0 && i % 4 == 1
                            ? header.experts - 1
                            : static_cast<uint32_t>((i * 31 + k * 17) % header.experts));
    }
    scores.clear();
    const size_t score_count = header.scores == ScoreLayout::none         ? 0
                               : header.scores == ScoreLayout::per_choice ? count
                                                                          : header.experts;
    for (size_t k = 0; k < score_count; ++k) {
      scores.push_back(special_scores[(i + k) % 7] / static_cast<float>(k + 1));
    }
    r.experts = experts;
    r.scores = scores;
    batch.push(r);
  }
  return batch;
}

RoutingBatch read_all_records(TraceReader& reader, size_t batch_records) {
  RoutingBatch all;
  RoutingBatch part;
  while (reader.next(part, batch_records)) {
    if (part.size() > batch_records) throw std::logic_error("reader returned too many records");
    for (size_t i = 0; i < part.size(); ++i) all.push(part.record(i));
  }
  if (!part.empty()) throw std::logic_error("reader returned records with its end");
  return all;
}

std::vector<FlatRecord> read_flat_records(TraceReader& reader, size_t batch_records) {
  const RoutingBatch all = read_all_records(reader, batch_records);
  std::vector<FlatRecord> flat;
  for (size_t i = 0; i < all.size(); ++i) {
    const RoutingRecordView r = all.record(i);
    flat.push_back({r.step, r.request, r.position, r.phase, r.layer,
                    std::vector<uint32_t>(r.experts.begin(), r.experts.end())});
  }
  return flat;
}

std::string routing_difference(const RoutingBatch& a, const RoutingBatch& b) {
  if (a.size() != b.size()) {
    return "sizes " + std::to_string(a.size()) + " and " + std::to_string(b.size());
  }
  for (size_t i = 0; i < a.size(); ++i) {
    const RoutingRecordView x = a.record(i);
    const RoutingRecordView y = b.record(i);
    const bool same =
        x.step == y.step && x.request == y.request && x.position == y.position &&
        x.phase == y.phase && x.layer == y.layer && x.experts.size() == y.experts.size() &&
        std::equal(x.experts.begin(), x.experts.end(), y.experts.begin()) &&
        x.scores.size() == y.scores.size() &&
        (x.scores.empty() ||
         std::memcmp(x.scores.data(), y.scores.data(), x.scores.size() * sizeof(float)) == 0);
    if (!same) return "record " + std::to_string(i + 1) + " differs";
  }
  return {};
}

}  // namespace moesim::test
