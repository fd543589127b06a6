#include "models/engine/layer/moe_layer_forward.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace moesim {

std::string_view to_string(LayerStage stage) {
  switch (stage) {
    case LayerStage::kRouter:
      return "router";
    case LayerStage::kDispatch:
      return "dispatch";
    case LayerStage::kExperts:
      return "experts";
    case LayerStage::kCombine:
      return "combine";
    case LayerStage::kReduce:
      return "reduce";
  }
  return "unknown";
}

MoeLayerForward::MoeLayerForward(LayerForwardSetup setup) : s_(setup) {
  const auto ranks = static_cast<uint32_t>(s_.gpus->size());
  if (ranks == 0 || s_.topology->gpus().size() != ranks || s_.placement->ranks != ranks) {
    throw std::invalid_argument("layer forward: GPU, topology and placement rank counts differ");
  }
  if (s_.routing->num_experts != s_.shape->num_experts ||
      s_.placement->ranks_of_expert.size() != s_.shape->num_experts) {
    throw std::invalid_argument("layer forward: routing, placement and model expert counts differ");
  }
  const size_t tokens = s_.routing->tokens();
  result_.dispatch_bytes.assign(ranks, std::vector<double>(ranks, 0.0));
  result_.tokens_per_expert.assign(s_.shape->num_experts, 0);
  result_.home_tokens_per_rank.assign(ranks, 0);
  result_.expert_tokens_per_rank.assign(ranks, 0);
  selections_per_home_.assign(ranks, 0);

  rank_expert_tokens_.assign(ranks, std::vector<uint64_t>(s_.shape->num_experts, 0));
  std::vector<uint64_t> turn(s_.shape->num_experts, 0);  // round robin over an expert's replicas
  std::vector<uint8_t> sent_to(ranks, 0);
  // Tokens reaching each rank (home included) and each node, once each, for a closed-form
  // dispatch strategy.
  const bool closed_form = s_.dispatch != nullptr;
  if (closed_form && s_.exchange == nullptr) {
    throw std::invalid_argument("layer forward: a dispatch strategy without a machine");
  }
  const std::vector<uint32_t>* node_of =
      closed_form ? &s_.exchange->fabric().node_of_rank() : nullptr;
  std::vector<double> rank_reach(ranks, 0.0), node_reach;
  std::vector<uint32_t> touched, touched_nodes;  // one token's ranks and nodes
  if (closed_form) node_reach.assign(s_.exchange->fabric().nodes(), 0.0);
  for (size_t t = 0; t < tokens; ++t) {
    const auto home = static_cast<uint32_t>(t * ranks / tokens);  // contiguous blocks
    ++result_.home_tokens_per_rank[home];
    std::fill(sent_to.begin(), sent_to.end(), 0);
    touched.clear();
    for (const uint32_t e : s_.routing->choices(t)) {
      if (e >= s_.shape->num_experts) {
        throw std::invalid_argument(
            fmt::format("token {} chose expert {} of {}", t, e, s_.shape->num_experts));
      }
      const uint32_t r = replica_for(e, turn);
      ++rank_expert_tokens_[r][e];
      ++result_.tokens_per_expert[e];
      ++result_.expert_tokens_per_rank[r];
      ++selections_per_home_[home];
      if (closed_form && std::find(touched.begin(), touched.end(), r) == touched.end()) {
        touched.push_back(r);
      }
      // One copy per destination rank, however many of its experts the token chose there.
      if (r != home && !sent_to[r]) {
        sent_to[r] = 1;
        result_.dispatch_bytes[home][r] += dispatch_token_bytes();
      }
    }
    if (closed_form) {
      touched_nodes.clear();
      for (const uint32_t r : touched) {
        rank_reach[r] += 1;
        const uint32_t n = (*node_of)[r];
        if (std::find(touched_nodes.begin(), touched_nodes.end(), n) == touched_nodes.end()) {
          touched_nodes.push_back(n);
          node_reach[n] += 1;
        }
      }
    }
  }
  result_.active_experts_per_rank.assign(ranks, 0);
  for (size_t r = 0; r < ranks; ++r) {
    result_.active_experts_per_rank[r] = static_cast<uint32_t>(
        std::count_if(rank_expert_tokens_[r].begin(), rank_expert_tokens_[r].end(),
                      [](uint64_t n) { return n > 0; }));
  }
  if (closed_form) {
    result_.exchange =
        s_.dispatch->exchange(exact_token_matrix(rank_reach, node_reach), *s_.exchange);
  }
}

TokenMatrix MoeLayerForward::exact_token_matrix(const std::vector<double>& rank_tokens,
                                                const std::vector<double>& node_tokens) const {
  const auto ranks = static_cast<uint32_t>(s_.gpus->size());
  std::vector<double> source(ranks);
  for (uint32_t r = 0; r < ranks; ++r) {
    source[r] = static_cast<double>(result_.home_tokens_per_rank[r]);
  }
  TokenMatrix m =
      TokenMatrix::build(source, rank_expert_tokens_, s_.exchange->fabric().node_of_rank());
  m.rank_tokens = rank_tokens;  // counted, not estimated
  m.node_tokens = node_tokens;
  m.prefill_tokens = m.total_tokens;  // a layer pass computes a batch of prompt tokens
  return m;
}

uint32_t MoeLayerForward::replica_for(uint32_t expert, std::vector<uint64_t>& turn) const {
  const std::vector<uint32_t>& replicas = s_.placement->ranks_of_expert[expert];
  if (replicas.size() == 1) return replicas.front();
  if (s_.placement->replica_choice == ReplicaChoice::kRoundRobin) {
    return replicas[turn[expert]++ % replicas.size()];
  }
  uint32_t best = replicas.front();  // least loaded: fewest expert tokens so far, first on ties
  for (const uint32_t r : replicas) {
    if (result_.expert_tokens_per_rank[r] < result_.expert_tokens_per_rank[best]) best = r;
  }
  return best;
}

void MoeLayerForward::start() {
  result_.start = s_.sim->now();
  begin(0);
}

void MoeLayerForward::begin(size_t stage_index) {
  stage_index_ = stage_index;
  stage_start_ = s_.sim->now();
  pending_ = 1;  // guard: the stage cannot finish while it is still being issued
  switch (kLayerStages[stage_index]) {
    case LayerStage::kRouter:
      issue_router();
      break;
    case LayerStage::kDispatch:
      if (s_.dispatch != nullptr) {
        issue_step(result_.exchange.dispatch_us);
      } else {
        issue_flows(kDispatchFlow);
      }
      break;
    case LayerStage::kExperts:
      issue_experts();
      break;
    case LayerStage::kCombine:
      if (s_.dispatch != nullptr) {
        issue_step(result_.exchange.combine_us);
      } else {
        issue_flows(kCombineFlow);
      }
      break;
    case LayerStage::kReduce:
      issue_reduce();
      break;
  }
  part_done();
}

void MoeLayerForward::part_done() {
  if (--pending_ > 0) return;
  const StageSpan span{kLayerStages[stage_index_], stage_start_, s_.sim->now()};
  result_.stages.push_back(span);
  stage_finished.emit(span);
  if (stage_index_ + 1 < std::size(kLayerStages)) {
    begin(stage_index_ + 1);
  } else {
    result_.end = s_.sim->now();
    finished_ = true;
  }
}

void MoeLayerForward::issue_router() {
  for (size_t r = 0; r < s_.gpus->size(); ++r) {
    const uint64_t tokens = result_.home_tokens_per_rank[r];
    if (tokens == 0) continue;
    const Time d = s_.cost->op_time(router_cost(*s_.shape, tokens), *s_.gpu);
    ++pending_;
    (*s_.gpus)[r].stream(0).submit(d, "router", [this] { part_done(); });
  }
}

void MoeLayerForward::issue_flows(FlowKind kind) {
  const auto& gpu_vertex = s_.topology->gpus();
  const size_t ranks = s_.gpus->size();
  for (uint32_t a = 0; a < ranks; ++a) {
    for (uint32_t b = 0; b < ranks; ++b) {
      // Combine sends the transpose of dispatch: partial sums go back to the token's home.
      const double bytes =
          kind == kDispatchFlow
              ? result_.dispatch_bytes[a][b]
              : result_.dispatch_bytes[b][a] * combine_token_bytes() / dispatch_token_bytes();
      if (bytes <= 0.0) continue;
      const auto& path = s_.topology->flow_path(gpu_vertex[a], gpu_vertex[b]);
      ++pending_;
      s_.network->start_flow(path, bytes, FlowTag{a, b, kind}, [this] { part_done(); });
    }
  }
}

double MoeLayerForward::dispatch_token_bytes() const {
  return s_.dispatch_token_bytes > 0 ? s_.dispatch_token_bytes : s_.shape->token_bytes();
}

double MoeLayerForward::combine_token_bytes() const {
  return s_.combine_token_bytes > 0 ? s_.combine_token_bytes : s_.shape->token_bytes();
}

void MoeLayerForward::issue_step(double microseconds) {
  if (microseconds <= 0) return;
  ++pending_;
  s_.sim->schedule_in(Time::from_seconds_ceil(microseconds * 1e-6), Phase::kCompletion,
                      [this] { part_done(); });
}

void MoeLayerForward::issue_experts() {
  for (uint32_t r = 0; r < s_.gpus->size(); ++r) {
    for (const uint32_t e : s_.placement->experts_on(r)) {
      const uint64_t tokens = rank_expert_tokens_[r][e];
      if (tokens == 0) continue;  // a replica no token was sent to is not launched
      const Time d = s_.cost->op_time(expert_cost(*s_.shape, tokens), *s_.gpu);
      ++pending_;
      (*s_.gpus)[r].stream(0).submit(d, fmt::format("expert {} ({} tok)", e, tokens),
                                     [this] { part_done(); });
    }
  }
}

void MoeLayerForward::issue_reduce() {
  for (size_t r = 0; r < s_.gpus->size(); ++r) {
    const uint64_t tokens = result_.home_tokens_per_rank[r];
    if (tokens == 0) continue;
    const OpCost work = combine_reduce_cost(*s_.shape, tokens, selections_per_home_[r]);
    ++pending_;
    (*s_.gpus)[r].stream(0).submit(s_.cost->op_time(work, *s_.gpu), "reduce",
                                   [this] { part_done(); });
  }
}

}  // namespace moesim
