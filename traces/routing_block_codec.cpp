#include "traces/routing_block_codec.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "sim/config_error.h"
#include "traces/binary_trace_layout.h"
#include "traces/trace_checks.h"
#include "traces/varint.h"

namespace moesim {
namespace {

template <class T>
void pack_deltas(const std::vector<T>& column, size_t begin, size_t end, std::string& out) {
  uint64_t prev = 0;
  for (size_t i = begin; i < end; ++i) {
    varint::put(out, varint::zigzag_delta(column[i], prev));
    prev = column[i];
  }
}

/// Decodes `n` zigzag deltas into `dst`; false on a malformed varint or a value wider than T.
template <class T>
bool unpack_deltas(const uint8_t*& p, const uint8_t* end, T* dst, size_t n) {
  uint64_t prev = 0;
  uint64_t code = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!varint::get(p, end, code)) return false;
    prev = varint::apply_zigzag_delta(prev, code);
    if (prev > std::numeric_limits<T>::max()) return false;
    dst[i] = static_cast<T>(prev);
  }
  return true;
}

template <uint32_t Width>
void unpack_ids(const uint8_t* p, uint32_t* dst, size_t n) {
  for (size_t i = 0; i < n; ++i, p += Width) {
    uint32_t v = p[0];
    if constexpr (Width >= 2) v |= static_cast<uint32_t>(p[1]) << 8;
    if constexpr (Width == 4) v |= static_cast<uint32_t>(p[2]) << 16 | uint32_t{p[3]} << 24;
    dst[i] = v;
  }
}

/// Whether every value is below `limit`. The bitwise OR of the values bounds each of them and
/// vectorises well (SSE2 has no unsigned 32-bit max), so the exact maximum is only taken when
/// the OR is not already below the limit, e.g. for a limit that is not a power of two.
bool all_below(const std::vector<uint32_t>& values, uint32_t limit) {
  uint32_t any_bits = 0;
  for (const uint32_t v : values) any_bits |= v;
  if (any_bits < limit) return true;
  uint32_t largest = 0;
  for (const uint32_t v : values) largest = std::max(largest, v);
  return largest < limit;
}

[[noreturn]] void corrupt(const BlockPlace& place, std::string_view what) {
  throw ConfigError(fmt::format("{}: block {} (from record {}): corrupt block: {}", place.file,
                                place.block, place.first_record, what));
}

}  // namespace

void pack_routing_block(const RoutingBatch& batch, size_t begin, size_t end,
                        const TraceHeader& header, std::string& out) {
  pack_deltas(batch.step, begin, end, out);
  pack_deltas(batch.request, begin, end, out);
  pack_deltas(batch.position, begin, end, out);
  pack_deltas(batch.layer, begin, end, out);
  for (size_t i = begin; i < end; ++i) out.push_back(static_cast<char>(batch.phase[i]));
  for (size_t i = begin; i < end; ++i) {
    varint::put(out, batch.expert_offsets[i + 1] - batch.expert_offsets[i]);
  }
  const uint32_t width = mtr::expert_id_bytes(header.experts);
  for (uint64_t k = batch.expert_offsets[begin]; k < batch.expert_offsets[end]; ++k) {
    const uint32_t id = batch.experts[k];
    for (uint32_t b = 0; b < width; ++b) out.push_back(static_cast<char>(id >> (8 * b)));
  }
  // Byte planes: the sign/exponent bytes of similar scores repeat, which zstd then finds.
  const uint64_t first = batch.score_offsets[begin];
  const uint64_t count = batch.score_offsets[end] - first;
  const size_t at = out.size();
  out.resize(at + 4 * count);
  for (uint64_t k = 0; k < count; ++k) {
    uint32_t bits = 0;
    std::memcpy(&bits, &batch.scores[first + k], 4);
    for (uint32_t b = 0; b < 4; ++b) out[at + b * count + k] = static_cast<char>(bits >> (8 * b));
  }
}

void unpack_routing_block(const uint8_t* raw, size_t size, uint32_t records,
                          const TraceHeader& header, RoutingBatch& out, const BlockPlace& place) {
  const size_t n = records;
  const uint8_t* p = raw;
  const uint8_t* const end = raw + size;
  out.step.resize(n);
  out.request.resize(n);
  out.position.resize(n);
  out.layer.resize(n);
  out.phase.resize(n);
  out.expert_offsets.resize(n + 1);
  if (!unpack_deltas(p, end, out.step.data(), n) || !unpack_deltas(p, end, out.request.data(), n) ||
      !unpack_deltas(p, end, out.position.data(), n) ||
      !unpack_deltas(p, end, out.layer.data(), n)) {
    corrupt(place, "bad step, request, position or layer column");
  }
  if (static_cast<size_t>(end - p) < n) corrupt(place, "phase column cut short");
  uint8_t phase_max = 0;
  for (size_t i = 0; i < n; ++i) phase_max = std::max(phase_max, p[i]);
  if (phase_max > static_cast<uint8_t>(TokenPhase::decode)) corrupt(place, "unknown phase");
  std::memcpy(out.phase.data(), p, n);
  p += n;

  uint64_t total = 0;
  out.expert_offsets[0] = 0;
  for (size_t i = 0; i < n; ++i) {
    uint64_t count = 0;
    if (!varint::get(p, end, count) || count > size) corrupt(place, "bad choice-count column");
    total += count;
    out.expert_offsets[i + 1] = total;
  }
  const uint32_t width = mtr::expert_id_bytes(header.experts);
  if (total > static_cast<uint64_t>(end - p) / width) corrupt(place, "expert column cut short");
  out.experts.resize(total);
  if (width == 1) unpack_ids<1>(p, out.experts.data(), total);
  if (width == 2) unpack_ids<2>(p, out.experts.data(), total);
  if (width == 4) unpack_ids<4>(p, out.experts.data(), total);
  p += total * width;

  const uint64_t score_count = header.scores == ScoreLayout::none         ? 0
                               : header.scores == ScoreLayout::per_choice ? total
                                                                          : n * header.experts;
  if (static_cast<uint64_t>(end - p) != 4 * score_count) {
    corrupt(place, "score column size does not match the block size");
  }
  out.scores.resize(score_count);
  for (uint64_t k = 0; k < score_count; ++k) {
    const uint32_t bits = uint32_t{p[k]} | uint32_t{p[score_count + k]} << 8 |
                          uint32_t{p[2 * score_count + k]} << 16 |
                          uint32_t{p[3 * score_count + k]} << 24;
    std::memcpy(&out.scores[k], &bits, 4);
  }
  out.score_offsets.resize(n + 1);
  if (header.scores == ScoreLayout::per_choice) {
    std::copy(out.expert_offsets.begin(), out.expert_offsets.end(), out.score_offsets.begin());
  } else {
    const uint64_t stride = header.scores == ScoreLayout::full ? header.experts : 0;
    for (size_t i = 0; i <= n; ++i) out.score_offsets[i] = i * stride;
  }

  // Cheap whole-column checks keep the common, valid case fast; the per-record check below
  // only runs to name the first bad record.
  const bool layers_ok = all_below(out.layer, header.layers);
  const bool experts_ok = all_below(out.experts, header.experts);
  bool scores_finite = true;
  for (const float s : out.scores) scores_finite &= (s - s == 0.0f);
  if (layers_ok && experts_ok && scores_finite) return;
  for (size_t i = 0; i < n; ++i) {
    const RoutingRecordView r = out.record(i);
    const std::string problem = routing_record_problem(header, r.layer, r.experts, r.scores);
    if (!problem.empty()) {
      throw ConfigError(fmt::format("{}: record {} (block {}): {}", place.file,
                                    place.first_record + i, place.block, problem));
    }
  }
}

}  // namespace moesim
