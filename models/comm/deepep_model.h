#pragma once
/// A time model of DeepEP's expert-parallel dispatch and combine kernels
/// (github.com/deepseek-ai/DeepEP), on the traffic of the busiest rank.
///
/// Normal (high-throughput) kernels, given an SM budget S:
///   T = latency + latency_per_hidden x hidden
///       + max((tokens x per_token + B_nvl / r) / S, B_nvl / (e x W), B_nic / W_nic)
/// B_nvl: the bytes the busiest rank sends or receives; B_nic: the part of them that crosses
/// the node's NIC (W_nic, catalogue NIC link); W: the GPU's NVLink bandwidth (catalogue
/// scale-up link) of which the kernels reach a share e. The SMs pay per_token for each token
/// (routing and bookkeeping, whatever its copies) and copy at r each, so their time falls as
/// 1/S until the link saturates: the SM-budget knee. latency_per_hidden is the combine's
/// reduction of a token's copies, serial over hidden.
///
/// Low-latency kernels use no SM budget: DeepEP launches ceil(E / g) SMs with
/// g = ceil(E / device_sms) experts per SM (its low_latency launch), so with few experts few
/// SMs work; the same equation holds with S = that count.
///
/// The constants are fitted per GPU on the one-node EP8 tables of topologies/measured/deepep
/// (topologies/catalogue/deepep.yaml names the rows). No measured internode row exists here:
/// the NIC term takes the catalogue line rate as it is and is compared only against DeepEP's
/// published H800 figures (report-only rows of `moesim validate --suite ep`).

#include <cstdint>
#include <filesystem>
#include <string>

#include "topologies/hardware_catalogue.h"

namespace moesim {

/// The traffic of one rank in one dispatch or combine: the busiest rank for skewed routing.
struct EpTraffic {
  double send_bytes = 0;  ///< bytes the rank sends, every destination counted (itself too)
  double recv_bytes = 0;  ///< bytes the rank receives
  double nic_bytes = 0;   ///< bytes crossing the node's NIC in the busier direction
  uint64_t tokens = 0;    ///< tokens of the rank
  uint32_t hidden = 0;    ///< hidden size (elements per token)
  uint32_t experts = 0;   ///< experts in the EP group (the low-latency launch depends on it)
  uint32_t ranks = 0;     ///< EP group size
  uint32_t nodes = 1;     ///< nodes the group spans
};

/// A layer's routing shape, tokens per rank, with uniform routing.
struct EpShape {
  uint64_t tokens_per_rank = 0;
  uint32_t hidden = 0, top_k = 0, experts = 0, ranks = 0, nodes = 1;
};

/// How many copies of a token a kernel sends.
enum class EpCopies {
  per_rank,    ///< normal kernels: once per distinct destination rank
  per_expert,  ///< low-latency kernels: once per chosen expert
};

/// Constants of one kernel (fitted; see deepep.yaml).
struct EpKernelConstants {
  double latency_us = 0;             ///< fixed launch and notify time
  double latency_per_hidden_us = 0;  ///< per hidden element (normal kernels)
  double per_token_us = 0;           ///< SM time per token of the rank
  double sm_rate = 0;                ///< bytes/s one SM copies
  double link_efficiency = 0;        ///< share of the NVLink bandwidth reached, (0, 1]
};

struct DeepEpConstants {
  EpKernelConstants normal_dispatch, normal_combine, ll_dispatch, ll_combine;
  uint32_t device_sms = 0;      ///< SMs of the GPU (low-latency launch)
  double nvlink_bandwidth = 0;  ///< bytes/s per direction, the GPU's scale-up link
  double nic_bandwidth = 0;     ///< bytes/s per direction of the GPU's NIC
};

class DeepEpModel {
 public:
  explicit DeepEpModel(const DeepEpConstants& constants);

  /// The constants of `gpu` in catalogue_dir/deepep.yaml, with its NVLink and NIC bandwidths
  /// from the catalogue. Throws ConfigError naming the file, line and key.
  static DeepEpModel load(const std::filesystem::path& catalogue_dir, const std::string& gpu,
                          const HardwareCatalogue& catalogue);

  double normal_dispatch_us(const EpTraffic& traffic, uint32_t sms) const;
  double normal_combine_us(const EpTraffic& traffic, uint32_t sms) const;
  double low_latency_dispatch_us(const EpTraffic& traffic) const;
  double low_latency_combine_us(const EpTraffic& traffic) const;

  /// SMs a low-latency kernel runs on for `experts` experts on a GPU of `device_sms` SMs.
  static uint32_t low_latency_sms(uint32_t experts, uint32_t device_sms);

  const DeepEpConstants& constants() const { return constants_; }

  /// Traffic of every rank under uniform routing, `bytes_per_copy` per copy of a token.
  static EpTraffic uniform_traffic(const EpShape& shape, double bytes_per_copy, EpCopies copies);
  /// Expected distinct destinations (ranks or nodes: `groups` of them, experts spread evenly)
  /// of a token choosing `top_k` of `experts` uniformly without repetition.
  static double expected_distinct_groups(uint32_t experts, uint32_t top_k, uint32_t groups);

  /// Bytes of one token: FP8 with one fp32 scale per 128 elements (dispatch), BF16 (combine).
  static double fp8_token_bytes(uint32_t hidden);
  static double bf16_token_bytes(uint32_t hidden);
  /// A low-latency dispatch message: the FP8 token and a 16-byte header (DeepEP's count).
  static double ll_dispatch_message_bytes(uint32_t hidden);

 private:
  double kernel_us(const EpKernelConstants& c, const EpTraffic& traffic, uint32_t sms) const;

  DeepEpConstants constants_;
};

}  // namespace moesim
