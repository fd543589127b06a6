#include "models/strategies/dispatch/deepep_dispatch.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "models/moe_layer_shape.h"
#include "models/strategies/dispatch/dispatch_payload.h"
#include "sim/config_error.h"

namespace moesim {
namespace {

/// Copies a rank sends to and receives from all ranks (itself included: DeepEP's SMs move
/// those too), and the parts of each that cross its node's NIC.
struct RankCopies {
  double out = 0, out_remote = 0, in = 0, in_remote = 0;
};

/// Every rank's copies, one per destination rank (`copies` = tokens received) or per chosen
/// expert (`copies` = pairs received). `per_node`: the NIC carries one copy per destination node
/// (the normal kernels forward inside the node over NVLink: m.node_tokens, landing evenly on the
/// node's ranks); otherwise every copy crosses on its own (the low-latency kernels' messages).
std::vector<RankCopies> rank_copies(const TokenMatrix& m, const std::vector<double>& copies,
                                    bool per_node) {
  std::vector<double> node_share(m.nodes(), 0.0), node_copies(m.nodes(), 0.0),
      node_ranks(m.nodes(), 0.0);
  double total = 0, node_tokens_total = 0;
  for (uint32_t r = 0; r < m.ranks(); ++r) {
    node_share[m.node_of_rank[r]] += m.share(r);
    node_copies[m.node_of_rank[r]] += copies[r];
    node_ranks[m.node_of_rank[r]] += 1;
    total += copies[r];
  }
  for (const double t : m.node_tokens) node_tokens_total += t;
  double share_total = 0;  // 1 up to rounding; exactly the one node's share on one node
  for (const double a : node_share) share_total += a;
  std::vector<RankCopies> out(m.ranks());
  for (uint32_t r = 0; r < m.ranks(); ++r) {
    const uint32_t node = m.node_of_rank[r];
    const double remote_share = share_total - node_share[node];
    RankCopies& c = out[r];
    c.out = m.share(r) * total;
    c.in = copies[r];
    if (per_node) {
      c.out_remote = m.share(r) * (node_tokens_total - m.node_tokens[node]);
      c.in_remote = m.node_tokens[node] * remote_share / node_ranks[node];
    } else {
      c.out_remote = m.share(r) * (total - node_copies[node]);
      c.in_remote = copies[r] * remote_share;
    }
  }
  return out;
}

/// Rank r's traffic in dispatch or combine from its copies, `per_copy` bytes each.
EpTraffic traffic(const TokenMatrix& m, uint32_t r, const RankCopies& c, double per_copy,
                  bool dispatch, uint32_t hidden, uint32_t experts) {
  EpTraffic t;
  // Combine sends back what dispatch delivered.
  t.send_bytes = (dispatch ? c.out : c.in) * per_copy;
  t.recv_bytes = (dispatch ? c.in : c.out) * per_copy;
  // The NIC is full duplex: the busier direction binds.
  t.nic_bytes = std::max(c.out_remote, c.in_remote) * per_copy;
  t.tokens = static_cast<uint64_t>(std::llround(m.source_tokens[r]));
  t.hidden = hidden;
  t.experts = experts;
  t.ranks = m.ranks();
  t.nodes = m.nodes();
  return t;
}

}  // namespace

DeepEpDispatch::DeepEpDispatch(DeepEpModel model, Kernels kernels, uint32_t sms, uint32_t hidden,
                               uint32_t experts)
    : model_(std::move(model)), kernels_(kernels), sms_(sms), hidden_(hidden), experts_(experts) {}

double DeepEpDispatch::compute_share_beside() const {
  const double device = model_.constants().device_sms;
  if (kernels_ == Kernels::kLowLatency || device <= 0) return 1.0;
  return std::max(0.0, device - sms_) / device;
}

double DeepEpDispatch::kernel_us(const EpTraffic& t, bool normal, bool dispatch) const {
  if (normal) {
    return dispatch ? model_.normal_dispatch_us(t, sms_) : model_.normal_combine_us(t, sms_);
  }
  return dispatch ? model_.low_latency_dispatch_us(t) : model_.low_latency_combine_us(t);
}

ExchangeResult DeepEpDispatch::exchange(const TokenMatrix& m, ExchangeMachine&) const {
  const bool normal =
      kernels_ == Kernels::kNormal || (kernels_ == Kernels::kAuto && m.prefill_tokens > 0);
  const double dispatch_copy = normal ? DeepEpModel::fp8_token_bytes(hidden_)
                                      : DeepEpModel::ll_dispatch_message_bytes(hidden_);
  const double combine_copy = DeepEpModel::bf16_token_bytes(hidden_);
  ExchangeResult r;
  if (m.total_tokens <= 0) return r;
  const std::vector<RankCopies> copies = rank_copies(m, normal ? m.rank_tokens : m.pairs, normal);
  for (uint32_t rank = 0; rank < m.ranks(); ++rank) {
    const RankCopies& c = copies[rank];
    r.dispatch_us = std::max(
        r.dispatch_us,
        kernel_us(traffic(m, rank, c, dispatch_copy, true, hidden_, experts_), normal, true));
    r.combine_us = std::max(
        r.combine_us,
        kernel_us(traffic(m, rank, c, combine_copy, false, hidden_, experts_), normal, false));
    // What leaves the GPU: copies to other ranks, out in dispatch and back in combine.
    const double own = m.share(rank) * (normal ? m.rank_tokens[rank] : m.pairs[rank]);
    r.bytes += (c.out - own) * dispatch_copy + (c.in - own) * combine_copy;
    r.bytes_across_nodes += c.out_remote * dispatch_copy + c.in_remote * combine_copy;
  }
  return r;
}

namespace {

std::unique_ptr<DispatchStrategy> make_deepep(const DispatchContext& c,
                                              DeepEpDispatch::Kernels kernels, uint32_t sms) {
  DeepEpModel model = DeepEpModel::load(c.catalogue_dir, c.gpu, *c.hardware);
  const uint32_t device = model.constants().device_sms;
  if (kernels != DeepEpDispatch::Kernels::kLowLatency && sms >= device) {
    throw ConfigError(
        fmt::format("strategies.dispatch.sms: {} SMs asked for, the {} has {}; "
                    "the kernels need fewer than all of them",
                    sms, c.gpu, device));
  }
  return std::make_unique<DeepEpDispatch>(std::move(model), kernels, sms, c.model->hidden_size,
                                          c.model->num_experts);
}

/// The normal kernels' SM budget, declared once for deepep_normal and deepep_auto.
ParamSpec sms_param() {
  return param::whole("sms", 20,
                      "SMs each normal kernel runs on (DeepEP's default 20), fewer than the "
                      "GPU's; with overlap the experts beside it run on the others")
      .in(1, 1024);
}

}  // namespace

DispatchFamily::Entry DeepEpDispatch::normal_entry() {
  return {{"deepep_normal",
           "DeepEP high-throughput kernels (prefill): a token once per destination rank, FP8 "
           "out and BF16 back, on an SM budget; constants fitted per GPU (deepep.yaml)",
           {sms_param()},
           check_whole_experts},
          [](const DispatchContext& c, const Params& p) {
            return make_deepep(c, Kernels::kNormal, static_cast<uint32_t>(p.whole("sms")));
          }};
}

DispatchFamily::Entry DeepEpDispatch::low_latency_entry() {
  return {{"deepep_low_latency",
           "DeepEP low-latency kernels (decode): one message per chosen expert, FP8 out and "
           "BF16 back; constants fitted per GPU (deepep.yaml)",
           {},
           check_whole_experts},
          [](const DispatchContext& c, const Params&) {
            return make_deepep(c, Kernels::kLowLatency, 0);
          }};
}

DispatchFamily::Entry DeepEpDispatch::auto_entry() {
  return {{"deepep_auto",
           "DeepEP as SGLang's auto mode runs it: normal kernels for iterations with prompt "
           "tokens, low-latency kernels for pure decode",
           {sms_param()},
           check_whole_experts},
          [](const DispatchContext& c, const Params& p) {
            return make_deepep(c, Kernels::kAuto, static_cast<uint32_t>(p.whole("sms")));
          }};
}

}  // namespace moesim
