#include "traces/import/sglang_dump_reader.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "sim/config_error.h"

namespace moesim {
namespace {

using Kind = PickleValue::Kind;

// SGLang's ForwardMode is an IntEnum numbered from 1 in this order (sgl-project/sglang@02295fe5
// python/sglang/srt/model_executor/forward_batch_info.py): EXTEND, DECODE, MIXED, IDLE, ...
constexpr int64_t kExtend = 1;
constexpr int64_t kDecode = 2;
constexpr int64_t kIdle = 4;

}  // namespace

void SglangDumpReader::fail(size_t r, const std::string& expected) const {
  const PickleValue* id = record(r).member("forward_pass_id");
  throw ConfigError(fmt::format("{}: record {} (forward_pass_id {}): expected {}", file_.file(), r,
                                id && id->kind == Kind::integer ? id->integer : -1, expected));
}

SglangDumpReader::SglangDumpReader(const std::filesystem::path& file,
                                   const RoutingImportOptions& options)
    : file_(file) {
  const PickleValue& root = file_.root();
  records_ = root.kind == Kind::dict ? root.member("records") : nullptr;
  if (records_ == nullptr || records_->kind != Kind::list ||
      (records_->int_list && !records_->ints.empty())) {
    throw ConfigError(
        fmt::format("{}: expected a dict with a list of record dicts under "
                    "'records' (a per_token dump)",
                    file_.file()));
  }
  if (records_->items.empty()) {
    throw ConfigError(
        fmt::format("{}: 'records' is empty, expected at least one forward pass", file_.file()));
  }
  for (size_t r = 0; r < records_->items.size(); ++r) check_record(r);

  if (const PickleValue* map = root.member("last_physical_to_logical_map")) {
    if (map->kind != Kind::tensor || map->tensor.sizes.size() != 2 ||
        map->tensor.sizes[0] != header_.layers) {
      throw ConfigError(
          fmt::format("{}: last_physical_to_logical_map: expected a tensor "
                      "[{} layers, physical experts]",
                      file_.file(), header_.layers));
    }
    physical_to_logical_ = file_.read_integers(map->tensor, "last_physical_to_logical_map");
    physical_ = static_cast<uint64_t>(map->tensor.sizes[1]);
    int64_t largest = -1;
    for (int64_t v : physical_to_logical_) {
      if (v < 0 || v >= std::numeric_limits<int32_t>::max()) {
        throw ConfigError(
            fmt::format("{}: last_physical_to_logical_map: logical id {}, expected "
                        ">= 0",
                        file_.file(), v));
      }
      largest = std::max(largest, v);
    }
    header_.experts = static_cast<uint32_t>(largest + 1);
  }
  header_.model = options.model;
  if (options.experts != 0) {
    if (options.experts < header_.experts) {
      throw ConfigError(
          fmt::format("{}: the map names {} logical experts, more than the {} "
                      "given",
                      file_.file(), header_.experts, options.experts));
    }
    header_.experts = options.experts;
  }
  header_.top_k = options.top_k;
  if (header_.experts == 0 || header_.top_k == 0) scan(options);
}

void SglangDumpReader::check_record(size_t r) {
  const PickleValue& rec = record(r);
  if (rec.kind != Kind::dict) fail(r, "a dict");
  const auto need = [&](const char* key, Kind kind) -> const PickleValue& {
    const PickleValue* v = rec.member(key);
    if (v == nullptr) fail(r, fmt::format("a member '{}'", key));
    if (v->kind != kind) {
      fail(r, fmt::format("'{}' to be {}, got {}", key, PickleValue::kind_name(kind),
                          PickleValue::kind_name(v->kind)));
    }
    return *v;
  };
  if (need("forward_pass_id", Kind::integer).integer < 0) fail(r, "forward_pass_id >= 0");
  need("forward_mode", Kind::integer);
  const size_t tokens = need("input_ids", Kind::list).length();
  if (need("positions", Kind::list).length() != tokens) {
    fail(r, fmt::format("{} positions, one per input id", tokens));
  }
  const TensorRef& topk = need("topk_ids_of_layer", Kind::tensor).tensor;
  if (topk.sizes.size() != 3 || static_cast<size_t>(topk.sizes[1]) != tokens || topk.sizes[2] < 1) {
    fail(r, fmt::format("topk_ids_of_layer of shape [layers, {} tokens, slots], got {} "
                        "dimensions",
                        tokens, topk.sizes.size()));
  }
  if (topk.storage_type != "IntStorage") {
    fail(r, fmt::format("topk_ids_of_layer of int32 (IntStorage), got {}", topk.storage_type));
  }
  const auto layers = static_cast<uint32_t>(topk.sizes[0]);
  if (layers == 0) fail(r, "topk_ids_of_layer with at least one layer");
  if (r == 0) header_.layers = layers;
  if (layers != header_.layers) {
    fail(r, fmt::format("{} layers as in record 0, got {}", header_.layers, layers));
  }
}

void SglangDumpReader::load_pass(size_t r, Pass& pass) {
  const PickleValue& rec = record(r);
  pass.step = static_cast<uint64_t>(rec.member("forward_pass_id")->integer);
  const int64_t mode = rec.member("forward_mode")->integer;
  rec.member("positions")->as_ints(pass.positions);
  pass.tokens = pass.positions.size();
  if (mode == kExtend) {
    pass.phase = TokenPhase::prefill;
  } else if (mode == kDecode) {
    pass.phase = TokenPhase::decode;
  } else if (!(mode == kIdle && pass.tokens == 0)) {
    fail(r,
         fmt::format("forward_mode 1 (EXTEND), 2 (DECODE) or 4 (IDLE, no tokens), got {}", mode));
  }
  for (int64_t p : pass.positions) {
    if (p < 0 || p > std::numeric_limits<uint32_t>::max()) fail(r, "positions >= 0");
  }
  pass.request_of_token.assign(pass.tokens, 0);
  const PickleValue* lens = rec.member("extend_seq_lens");
  std::vector<int64_t> seq_lens;
  if (lens != nullptr && lens->kind != Kind::none) {
    if (!lens->as_ints(seq_lens)) fail(r, "extend_seq_lens to be a list of ints or None");
    uint64_t t = 0;
    for (size_t s = 0; s < seq_lens.size(); ++s) {
      if (seq_lens[s] < 0 || t + static_cast<uint64_t>(seq_lens[s]) > pass.tokens) {
        fail(r, fmt::format("extend_seq_lens summing to the {} tokens of the pass", pass.tokens));
      }
      for (int64_t i = 0; i < seq_lens[s]; ++i) pass.request_of_token[t++] = s;
    }
    if (t != pass.tokens) {
      fail(r, fmt::format("extend_seq_lens summing to the {} tokens of the pass, got {}",
                          pass.tokens, t));
    }
  } else if (pass.phase == TokenPhase::prefill && pass.tokens > 0) {
    fail(r, "extend_seq_lens (a list) in an EXTEND pass");
  } else {
    for (uint64_t t = 0; t < pass.tokens; ++t) pass.request_of_token[t] = t;
  }
  const TensorRef& topk = rec.member("topk_ids_of_layer")->tensor;
  pass.slots = static_cast<uint32_t>(topk.sizes[2]);
  pass.topk = file_.read_integers(topk, fmt::format("record {} topk_ids_of_layer", r));
}

void SglangDumpReader::experts_of(size_t r, const Pass& pass, uint64_t t, uint32_t l,
                                  std::vector<uint32_t>& out) const {
  out.clear();
  const size_t base = (static_cast<size_t>(l) * pass.tokens + t) * pass.slots;
  for (uint32_t k = 0; k < pass.slots; ++k) {
    int64_t id = pass.topk[base + k];
    if (id == -1) continue;
    const uint64_t limit = physical_to_logical_.empty() ? header_.experts : physical_;
    if (id < 0 || (limit != 0 && static_cast<uint64_t>(id) >= limit)) {
      fail(r, fmt::format("token {} layer {}: expert id {} in 0..{} or -1", t, l, id,
                          static_cast<int64_t>(limit) - 1));
    }
    if (!physical_to_logical_.empty()) id = physical_to_logical_[l * physical_ + id];
    out.push_back(static_cast<uint32_t>(id));
  }
}

void SglangDumpReader::scan(const RoutingImportOptions& options) {
  uint32_t largest = 0;
  uint32_t most = 0;
  Pass pass;
  std::vector<uint32_t> chosen;
  for (size_t r = 0; r < records_->items.size(); ++r) {
    load_pass(r, pass);
    for (uint64_t t = 0; t < pass.tokens; ++t) {
      for (uint32_t l = 0; l < header_.layers; ++l) {
        experts_of(r, pass, t, l, chosen);
        most = std::max<uint32_t>(most, static_cast<uint32_t>(chosen.size()));
        for (uint32_t e : chosen) largest = std::max(largest, e + 1);
      }
    }
  }
  if (header_.experts == 0) header_.experts = largest;
  if (options.top_k == 0) header_.top_k = most;
}

bool SglangDumpReader::next(RoutingBatch& out, size_t max_records) {
  out.clear();
  while (out.size() < max_records && record_ < records_->items.size()) {
    if (loaded_ != record_) {
      load_pass(record_, pass_);
      loaded_ = record_;
      token_ = 0;
      layer_ = 0;
    }
    if (token_ >= pass_.tokens) {
      ++record_;
      continue;
    }
    experts_of(record_, pass_, token_, layer_, experts_);
    if (!experts_.empty()) {
      RoutingRecordView view;
      view.step = pass_.step;
      view.request = pass_.request_of_token[token_];
      view.position = static_cast<uint32_t>(pass_.positions[token_]);
      view.phase = pass_.phase;
      view.layer = layer_;
      view.experts = experts_;
      out.push(view);
    }
    if (++layer_ == header_.layers) {
      layer_ = 0;
      ++token_;
    }
  }
  return !out.empty();
}

}  // namespace moesim
