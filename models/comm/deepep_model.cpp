#include "models/comm/deepep_model.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/config/yaml_map.h"
#include "sim/config_error.h"

namespace moesim {
namespace {

constexpr double kScaleBlock = 128.0;  // FP8 elements per fp32 scale (DeepEP's per-token cast)
constexpr double kScaleBytes = 4.0;
constexpr double kLlHeaderBytes = 16.0;  // DeepEP test_low_latency.py counts 16 per message

/// `normal`: the kernel has latency_per_hidden and per_token (the low-latency ones hold 0).
EpKernelConstants read_kernel(YamlMap m, bool normal) {
  EpKernelConstants c;
  c.latency_us = m.get_time("latency").microseconds();
  if (normal) {
    c.latency_per_hidden_us = m.get_time("latency_per_hidden").microseconds();
    c.per_token_us = m.get_time("per_token").microseconds();
  }
  c.sm_rate = m.get_bandwidth("sm_rate");
  if (c.sm_rate <= 0) m.fail("sm_rate", "expected a positive rate");
  c.link_efficiency = m.get_double("link_efficiency", 1e-3, 1.0);
  m.finish();
  return c;
}

}  // namespace

DeepEpModel::DeepEpModel(const DeepEpConstants& constants) : constants_(constants) {
  if (constants_.nvlink_bandwidth <= 0 || constants_.nic_bandwidth <= 0 ||
      constants_.device_sms == 0) {
    throw std::invalid_argument("DeepEpModel: link bandwidths and device SMs must be positive");
  }
}

DeepEpModel DeepEpModel::load(const std::filesystem::path& catalogue_dir, const std::string& gpu,
                              const HardwareCatalogue& catalogue) {
  const std::filesystem::path file = catalogue_dir / "deepep.yaml";
  YamlMap root(load_yaml_file(file.string()), file.string(), "");
  if (!root.has(gpu)) {
    throw ConfigError(fmt::format("{}: no DeepEP constants for GPU '{}' (has: {})", file.string(),
                                  gpu, fmt::join(root.keys(), ", ")));
  }
  YamlMap m = root.get_map(gpu);
  if (!catalogue.has_gpu(gpu)) m.fail_here("not a GPU of gpus.yaml");
  const GpuSpec& spec = catalogue.gpu(gpu);
  if (spec.scale_up_link.empty()) m.fail_here("the GPU has no NVLink (scale_up_link: none)");
  DeepEpConstants c;
  c.nvlink_bandwidth = catalogue.link(spec.scale_up_link).bandwidth;
  c.device_sms = static_cast<uint32_t>(m.get_uint("device_sms", 1, 1024));
  const std::string nic = m.get_string("nic_link");
  if (!catalogue.has_link(nic)) {
    m.fail("nic_link", fmt::format("unknown link \"{}\" (links.yaml has: {})", nic,
                                   joined_names(catalogue.links())));
  }
  c.nic_bandwidth = catalogue.link(nic).bandwidth;
  m.get_string("source");  // required: where the constants come from
  YamlMap normal = m.get_map("normal");
  normal.get_string("fitted_on");
  c.normal_dispatch = read_kernel(normal.get_map("dispatch"), true);
  c.normal_combine = read_kernel(normal.get_map("combine"), true);
  normal.finish();
  YamlMap ll = m.get_map("low_latency");
  ll.get_string("fitted_on");
  c.ll_dispatch = read_kernel(ll.get_map("dispatch"), false);
  c.ll_combine = read_kernel(ll.get_map("combine"), false);
  ll.finish();
  m.finish();
  return DeepEpModel(c);
}

double DeepEpModel::kernel_us(const EpKernelConstants& c, const EpTraffic& traffic,
                              uint32_t sms) const {
  if (sms == 0) throw std::invalid_argument("DeepEpModel: a kernel needs at least one SM");
  // The SMs copy every byte; NVLink carries them (as a forward when they came over the NIC).
  const double nvl_bytes = std::max(traffic.send_bytes, traffic.recv_bytes);
  const double sm_us = (traffic.tokens * c.per_token_us + nvl_bytes / c.sm_rate * 1e6) / sms;
  const double link_us = nvl_bytes / (c.link_efficiency * constants_.nvlink_bandwidth) * 1e6;
  const double nic_us = traffic.nic_bytes / constants_.nic_bandwidth * 1e6;
  return c.latency_us + c.latency_per_hidden_us * traffic.hidden +
         std::max({sm_us, link_us, nic_us});
}

double DeepEpModel::normal_dispatch_us(const EpTraffic& traffic, uint32_t sms) const {
  return kernel_us(constants_.normal_dispatch, traffic, sms);
}

double DeepEpModel::normal_combine_us(const EpTraffic& traffic, uint32_t sms) const {
  return kernel_us(constants_.normal_combine, traffic, sms);
}

uint32_t DeepEpModel::low_latency_sms(uint32_t experts, uint32_t device_sms) {
  if (experts == 0 || device_sms == 0) throw std::invalid_argument("low_latency_sms: no experts");
  const uint32_t per_sm = (experts + device_sms - 1) / device_sms;
  return (experts + per_sm - 1) / per_sm;
}

double DeepEpModel::low_latency_dispatch_us(const EpTraffic& traffic) const {
  return kernel_us(constants_.ll_dispatch, traffic,
                   low_latency_sms(traffic.experts, constants_.device_sms));
}

double DeepEpModel::low_latency_combine_us(const EpTraffic& traffic) const {
  return kernel_us(constants_.ll_combine, traffic,
                   low_latency_sms(traffic.experts, constants_.device_sms));
}

double DeepEpModel::expected_distinct_groups(uint32_t experts, uint32_t top_k, uint32_t groups) {
  if (groups == 0 || experts % groups != 0 || top_k > experts) {
    throw std::invalid_argument(
        fmt::format("expected_distinct_groups: {} experts do not split over {} groups for top-{}",
                    experts, groups, top_k));
  }
  // A group is missed when all top_k choices fall outside its experts:
  // C(E - E/G, k) / C(E, k) = prod_{i<k} (E - E/G - i) / (E - i).
  const double outside = experts - experts / groups;
  double miss = 1.0;
  for (uint32_t i = 0; i < top_k; ++i) miss *= std::max(0.0, outside - i) / (experts - i);
  return groups * (1.0 - miss);
}

EpTraffic DeepEpModel::uniform_traffic(const EpShape& shape, double bytes_per_copy,
                                       EpCopies copies) {
  if (shape.ranks == 0 || shape.nodes == 0 || shape.ranks % shape.nodes != 0) {
    throw std::invalid_argument("uniform_traffic: ranks must split evenly over nodes");
  }
  EpTraffic t;
  t.tokens = shape.tokens_per_rank;
  t.hidden = shape.hidden;
  t.experts = shape.experts;
  t.ranks = shape.ranks;
  t.nodes = shape.nodes;
  const double tokens = static_cast<double>(shape.tokens_per_rank);
  const double remote_nodes = 1.0 - 1.0 / shape.nodes;  // share of a token's nodes not its own
  if (copies == EpCopies::per_rank) {
    t.send_bytes =
        tokens * expected_distinct_groups(shape.experts, shape.top_k, shape.ranks) * bytes_per_copy;
    // Internode normal kernels send a token once per destination node over the NIC.
    t.nic_bytes = tokens * expected_distinct_groups(shape.experts, shape.top_k, shape.nodes) *
                  remote_nodes * bytes_per_copy;
  } else {
    t.send_bytes = tokens * shape.top_k * bytes_per_copy;
    t.nic_bytes = t.send_bytes * remote_nodes;
  }
  t.recv_bytes = t.send_bytes;  // uniform: every rank receives what it sends
  return t;
}

double DeepEpModel::fp8_token_bytes(uint32_t hidden) {
  return hidden + std::ceil(hidden / kScaleBlock) * kScaleBytes;
}

double DeepEpModel::bf16_token_bytes(uint32_t hidden) {
  return 2.0 * hidden;
}

double DeepEpModel::ll_dispatch_message_bytes(uint32_t hidden) {
  return fp8_token_bytes(hidden) + kLlHeaderBytes;
}

}  // namespace moesim
