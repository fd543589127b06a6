#include "cli/validation/silicon_rows.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>

#include "sim/config_error.h"
#include "traces/csv_table.h"

namespace moesim {
namespace {

/// The largest layout, length or concurrency field a row may hold (the scenario keys' bound);
/// products of two such fields stay within 64 bits.
constexpr double kMaxField = 1 << 24;

}  // namespace

SiliconRows read_silicon_rows(const std::filesystem::path& file,
                              const std::vector<std::pair<std::string, std::string>>& cards) {
  const CsvTable csv = CsvTable::read(file);
  const auto col = [&](const char* name) { return csv.column(name); };
  const size_t id = col("id"), backend = col("backend"), model = col("model_path"),
               mode = col("mode"), system = col("system"), isl = col("isl"), osl = col("osl"),
               batch = col("batch_size"), tp = col("tp_size"), pp = col("pp_size"),
               dp = col("attention_dp_size"), moe_tp = col("moe_tp_size"),
               moe_ep = col("moe_ep_size"), ttft = col("silicon_ttft_ms"),
               tpot = col("silicon_tpot_ms");
  const std::regex concurrency_in_id("_c(\\d+)_");
  const std::regex layout_in_id("_tp(\\d+)(?:_0)?_ep(\\d+)(?:_0)?_\\d+$");
  std::map<std::string, size_t> skipped;
  SiliconRows out;
  for (size_t r = 0; r < csv.rows(); ++r) {
    if (csv.cell(r, mode) != "agg") {
      ++skipped["disaggregated (no prefill/decode split in moesim)"];
      continue;
    }
    const auto card = std::find_if(cards.begin(), cards.end(),
                                   [&](const auto& c) { return c.first == csv.cell(r, model); });
    if (card == cards.end()) {
      ++skipped["no MoE card for the model (dense models are out of scope)"];
      continue;
    }
    const std::string& system_name = csv.cell(r, system);
    const auto mapped = std::find_if(std::begin(kSiliconSystems), std::end(kSiliconSystems),
                                     [&](const auto& s) { return s.first == system_name; });
    if (mapped == std::end(kSiliconSystems)) {
      ++skipped[fmt::format(
          "system {}, not an HGX node of a GPU moesim maps (h100_sxm, "
          "h200_sxm, b200_sxm)",
          system_name.empty() ? "not recorded" : system_name)];
      continue;
    }
    std::smatch match;
    const std::string& row_id = csv.cell(r, id);
    if (!std::regex_search(row_id, match, concurrency_in_id)) {
      ++skipped["concurrency not recorded"];
      continue;
    }
    // A blank layout field is aiconfigurator's default, 1; any other is a whole number >= 1.
    const auto whole = [&](size_t c) -> uint32_t {
      if (csv.cell(r, c).empty()) return 1;
      const double v = csv.number(r, c);
      if (!(v >= 1 && v <= kMaxField) || v != std::floor(v)) {
        throw ConfigError(fmt::format(
            "{}:{}: column '{}': expected a whole number from 1 to {}, "
            "got \"{}\"",
            file.string(), csv.line_of(r), csv.header().at(c), kMaxField, csv.cell(r, c)));
      }
      return static_cast<uint32_t>(v);
    };
    SiliconRow row;
    row.line = csv.line_of(r);
    row.id = row_id;
    row.backend = csv.cell(r, backend);
    row.model_path = card->first;
    row.card = card->second;
    row.gpu = mapped->second;
    row.isl = whole(isl);
    row.osl = whole(osl);
    // The id's digits (the regex takes digits only); more than 8 is out of range anyway.
    const std::string clients = match[1].str();
    const double concurrency = clients.size() <= 8 ? std::stod(clients) : 0;
    if (concurrency < 1 || concurrency > kMaxField) {
      throw ConfigError(
          fmt::format("{}:{}: id {}: expected a client concurrency _c<N>_ from 1 to {}",
                      file.string(), row.line, row_id, kMaxField));
    }
    row.concurrency = static_cast<uint32_t>(concurrency);
    row.batch = whole(batch);
    row.tp = whole(tp);
    row.pp = whole(pp);
    row.attention_dp = whole(dp);
    row.moe_tp = whole(moe_tp);
    row.moe_ep = whole(moe_ep);
    row.ttft_ms = csv.number(r, ttft);
    row.tpot_ms = csv.number(r, tpot);
    if (!(row.ttft_ms > 0) || !(row.tpot_ms > 0)) {
      throw ConfigError(
          fmt::format("{}:{}: silicon_ttft_ms and silicon_tpot_ms must be > 0 "
                      "(milliseconds), got {} and {}",
                      file.string(), row.line, csv.cell(r, ttft), csv.cell(r, tpot)));
    }
    if (std::smatch layout; std::regex_search(row_id, layout, layout_in_id)) {
      // Digits only; a number too long for a layout cannot match the row's tp_size.
      const auto digits = [](const std::string& d) {
        return d.size() <= 8 ? static_cast<uint32_t>(std::stoul(d)) : 0u;
      };
      const uint32_t id_tp = digits(layout[1].str()), id_ep = digits(layout[2].str());
      if (id_tp == row.tp && id_ep != row.moe_ep && id_ep > 0 && row.tp % id_ep == 0) {
        row.layout_from_id = true;
        // One engine takes every rank's requests: batch_size x attention_dp_size, held to the
        // fields' bound (2^24) so it fits the scheduler's 32-bit limit.
        row.batch = static_cast<uint32_t>(
            std::min<uint64_t>(uint64_t{row.batch} * row.attention_dp, uint64_t{1} << 24));
        row.attention_dp = 1;
        row.moe_ep = id_ep;
        row.moe_tp = row.tp / id_ep;
      }
    }
    row.fit = std::find(std::begin(kSiliconFitConcurrencies), std::end(kSiliconFitConcurrencies),
                        row.concurrency) != std::end(kSiliconFitConcurrencies);
    if (uint64_t{row.moe_tp} * row.moe_ep != uint64_t{row.tp} * row.attention_dp) {
      throw ConfigError(
          fmt::format("{}:{}: moe_tp_size x moe_ep_size ({} x {}) is not the "
                      "GPUs of a stage (tp_size {} x attention_dp_size {})",
                      file.string(), row.line, row.moe_tp, row.moe_ep, row.tp, row.attention_dp));
    }
    out.rows.push_back(std::move(row));
  }
  for (auto& [why, n] : skipped) out.skipped.emplace_back(why, n);
  return out;
}

}  // namespace moesim
