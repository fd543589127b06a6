#pragma once
/// `moesim validate --suite kernels`: MoE block times from profiled tables, checked on
/// measured points the tables were not built from.
///
/// Fit/check split (stated once, here): in each measured curve (one activated-expert level of
/// the RTX PRO 6000 table; one model shape and dtype of the H100 fused-MoE table, balanced
/// routing), points are sorted by tokens and the first, the last and every other point are fit
/// points; the points between them are check points, predicted by interpolating the fit
/// points. In the RTX PRO 6000 table the whole 32-expert level is also held out and predicted
/// between the 16- and 64-expert levels, which checks the dependence on activated experts.
///
/// Routing skew: the per-expert cost of one EP rank is fitted on balanced rows only and checked
/// on power-law rows; the rule is in cli/validation/routing_skew_check.h.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/validation/validation_report.h"
#include "topologies/hardware_catalogue.h"

namespace moesim {

struct KernelsSuiteReport {
  std::vector<ValidationRow> rows;  ///< check points only
  std::string summary;              ///< median and P90 per table
  bool goals_met = false;           ///< median |rel_error| <= 10% on each table
  /// Routing skew (routing_skew_check.h): power_law_1.2 / balanced at EP8 rank 0 within 20% at
  /// 4,096 and 16,384 tokens. Not part of goals_met.
  bool skew_goal_met = false;
};

/// The suite's tables, read from a YAML file (models/profiles/kernels_suite.yaml ships; its
/// comments give the keys). Paths are resolved against the folder of that file; a section whose
/// file is empty is skipped.
struct KernelsSuiteTables {
  struct MoeBlock {
    std::string label, target;  ///< summary line; validation.csv target prefix
    std::filesystem::path file;
    uint32_t held_out_level = 0;  ///< activated-expert level held out whole (0: none)
  } moe_block;
  struct FusedMoe {
    std::string label, target;
    std::filesystem::path file;
    std::string roofline_label, roofline_target, roofline_fit_shape;
    double memory_bandwidth = 0.0;  ///< bytes/s of the GPU the table ran on (catalogue)
    double bf16_peak_flops = 0.0;   ///< dense bf16 FLOP/s of that GPU (catalogue)
  } fused_moe;
  struct RoutingSkew {
    std::string label;
    std::filesystem::path file;
  } routing_skew;
};

/// The default tables file: kernels_suite.yaml in `profiles_dir`.
std::filesystem::path default_kernels_tables(const std::filesystem::path& profiles_dir);

/// Reads a tables file; the GPU named under fused_moe comes from `catalogue`. Throws
/// ConfigError naming the file, line and key.
KernelsSuiteTables read_kernels_tables(const std::filesystem::path& file,
                                       const HardwareCatalogue& catalogue);

/// Runs the suite on the tables. Throws ConfigError for bad tables.
KernelsSuiteReport run_kernels_suite(const KernelsSuiteTables& tables);

}  // namespace moesim
