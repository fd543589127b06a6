#pragma once
/// Routing replayed from a routing trace: each token's experts at each layer are the ones its
/// trace records chose, found by (request, position). The whole trace is held in memory
/// (12 bytes per record plus 4 per choice, and a hash entry per token), since a serving
/// simulation asks for tokens in its own order.
///
/// A token or layer the trace does not have is a ConfigError naming the trace, the request,
/// the position and the layer: the trace does not belong to the workload.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "traces/routing_generator.h"
#include "traces/routing_trace.h"

namespace moesim {

class TraceReplayRouting final : public RoutingGenerator {
 public:
  /// Reads all of `reader`. Throws ConfigError (naming `trace_path`) if the trace's layers or
  /// experts differ from the model's, or a (request, position, layer) appears twice.
  TraceReplayRouting(TraceReader& reader, uint32_t layers, uint32_t experts,
                     std::string trace_path);

  /// Needs the tokens' requests: throws std::logic_error.
  void generate(uint32_t layer, uint32_t tokens, TokenRouting& out) override;
  void generate_with_context(uint32_t layer, std::span<const TokenContext> tokens,
                             TokenRouting& out) override;

  size_t tokens() const { return index_.size(); }

 private:
  struct TokenKey {
    uint64_t request;
    uint32_t position;
    bool operator==(const TokenKey&) const = default;
  };
  struct TokenKeyHash {
    size_t operator()(const TokenKey& k) const;
  };
  static constexpr uint32_t kMissing = UINT32_MAX;

  uint32_t layers_, experts_;
  std::string path_;
  std::unordered_map<TokenKey, uint32_t, TokenKeyHash> index_;  // token -> row
  std::vector<uint32_t> first_choice_;  // [row * layers + layer], kMissing if absent
  std::vector<uint32_t> choice_count_;
  std::vector<uint32_t> choices_;
};

}  // namespace moesim
