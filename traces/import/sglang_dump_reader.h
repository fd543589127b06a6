#pragma once
/// Reads SGLang's per-token expert distribution dump (server flag
/// --expert-distribution-recorder-mode per_token; one torch.save file per rank written by
/// sgl-project/sglang@02295fe5 python/sglang/srt/eplb/expert_distribution.py) as canonical
/// routing records. traces/IMPORTERS.md states the mapping and its limits.
///
/// The file holds {"records": [{forward_pass_id, rank, input_ids, positions, extend_seq_lens,
/// forward_mode, topk_ids_of_layer: int32 [layers, tokens, 8], ...}],
/// "last_physical_to_logical_map": [layers, physical experts]}. One record per forward pass:
/// step = forward_pass_id; phase prefill for EXTEND (forward_mode 1), decode for DECODE (2);
/// position from positions; request = index of the token's sequence within the pass, from
/// extend_seq_lens (each token its own sequence in a decode pass). -1 slots are unused; a
/// token-layer without any chosen expert (dense layer, padding) gives no record. Physical
/// expert ids map to logical ids through last_physical_to_logical_map when present.

#include <filesystem>
#include <string>
#include <vector>

#include "traces/import/routing_import_options.h"
#include "traces/import/torch_save_file.h"
#include "traces/routing_trace.h"

namespace moesim {

class SglangDumpReader : public TraceReader {
 public:
  /// Opens and checks the dump's structure; reads every top-k tensor once more when the
  /// options leave the expert count (without a map) or top-k to be found. Throws ConfigError
  /// naming the file, the record and what was expected.
  SglangDumpReader(const std::filesystem::path& file, const RoutingImportOptions& options);

  const TraceHeader& header() const override { return header_; }
  bool next(RoutingBatch& out, size_t max_records) override;

 private:
  struct Pass {
    uint64_t step = 0;
    TokenPhase phase = TokenPhase::prefill;
    uint64_t tokens = 0;
    uint32_t slots = 0;  ///< width of the top-k buffer
    std::vector<int64_t> positions;
    std::vector<uint64_t> request_of_token;
    std::vector<int64_t> topk;  ///< [layers, tokens, slots] row-major
  };

  const PickleValue& record(size_t r) const { return *records_->items[r]; }
  [[noreturn]] void fail(size_t r, const std::string& expected) const;
  void check_record(size_t r);
  void load_pass(size_t r, Pass& pass);
  /// The logical experts token t chose at layer l (empty when every slot is -1).
  void experts_of(size_t r, const Pass& pass, uint64_t t, uint32_t l,
                  std::vector<uint32_t>& out) const;
  void scan(const RoutingImportOptions& options);

  TorchSaveFile file_;
  const PickleValue* records_ = nullptr;
  std::vector<int64_t> physical_to_logical_;  ///< [layers, physical] row-major, may be empty
  uint64_t physical_ = 0;
  TraceHeader header_;

  size_t record_ = 0;
  size_t loaded_ = static_cast<size_t>(-1);
  Pass pass_;
  uint64_t token_ = 0;
  uint32_t layer_ = 0;
  std::vector<uint32_t> experts_;
};

}  // namespace moesim
