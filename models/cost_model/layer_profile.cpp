#include "models/cost_model/layer_profile.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "sim/config/yaml_map.h"
#include "sim/config_error.h"
#include "traces/csv_table.h"

namespace moesim {
namespace {

void read_named_curves(const std::filesystem::path& file, const std::string& x_column,
                       std::map<std::string, RaggedGridTable>& curves) {
  const CsvTable t = CsvTable::read(file);
  const size_t name = t.column("layer"), x = t.column(x_column), time = t.column("time_us");
  for (size_t r = 0; r < t.rows(); ++r) {
    auto [it, added] = curves.try_emplace(t.cell(r, name), 1);
    const std::array<double, 1> point{t.number(r, x)};
    try {
      it->second.add(point, t.number(r, time));
    } catch (const std::invalid_argument& e) {
      throw ConfigError(fmt::format("{}: row {}: {}", file.string(), r + 2, e.what()));
    }
  }
}

double lookup(const std::map<std::string, RaggedGridTable>& curves, const std::string& op, double x,
              const std::filesystem::path& dir) {
  const auto it = curves.find(op);
  if (it == curves.end()) {
    throw ConfigError(fmt::format("{}: the profile has no operator \"{}\"", dir.string(), op));
  }
  const std::array<double, 1> point{x};
  return it->second.value(point);
}

}  // namespace

LayerProfile::Measured LayerProfile::read_measured(const std::filesystem::path& dir) {
  Measured measured;
  const std::filesystem::path meta = dir / "profile.yaml";
  if (!std::filesystem::exists(meta)) return measured;
  YamlMap m(load_yaml_file(meta.string()), meta.string(), "");
  measured.tensor_parallel = static_cast<uint32_t>(m.get_uint("tensor_parallel", 1, 1024));
  if (m.has("model")) measured.model = m.get_string("model");
  if (m.has("gpu")) measured.gpu = m.get_string("gpu");
  m.finish();
  return measured;
}

LayerProfile LayerProfile::load(const std::filesystem::path& dir) {
  LayerProfile p;
  p.dir_ = dir;
  p.tensor_parallel_ = read_measured(dir).tensor_parallel;
  read_named_curves(dir / "dense.csv", "tokens", p.token_ops_);
  read_named_curves(dir / "per_sequence.csv", "sequences", p.sequence_ops_);

  const CsvTable attention = CsvTable::read(dir / "attention.csv");
  const std::array<size_t, 5> a{attention.column("prefill_chunk"), attention.column("kv_prefill"),
                                attention.column("n_decode"), attention.column("kv_decode"),
                                attention.column("time_us")};
  for (size_t r = 0; r < attention.rows(); ++r) {
    const std::array<double, 4> point{attention.number(r, a[0]), attention.number(r, a[1]),
                                      attention.number(r, a[2]), attention.number(r, a[3])};
    p.attention_.add(point, attention.number(r, a[4]));
  }

  const CsvTable moe = CsvTable::read(dir / "moe.csv");
  const size_t tokens = moe.column("tokens"), activated = moe.column("activated_experts");
  const size_t time = moe.column("time_us");
  for (size_t r = 0; r < moe.rows(); ++r) {
    // Activated experts first: the lookup interpolates between expert levels last.
    const std::array<double, 2> point{moe.number(r, activated), moe.number(r, tokens)};
    p.moe_.add(point, moe.number(r, time));
    p.min_activated_ = r == 0 ? point[0] : std::min(p.min_activated_, point[0]);
  }
  if (p.attention_.empty() || p.moe_.empty()) {
    throw ConfigError(
        fmt::format("{}: attention.csv and moe.csv need at least one row", dir.string()));
  }
  return p;
}

double LayerProfile::token_op_us(const std::string& op, double tokens) const {
  return lookup(token_ops_, op, tokens, dir_);
}

double LayerProfile::sequence_op_us(const std::string& op, double sequences) const {
  return lookup(sequence_ops_, op, sequences, dir_);
}

double LayerProfile::attention_us(double prefill_chunk, double prefill_context, double decodes,
                                  double decode_context) const {
  const std::array<double, 4> point{prefill_chunk, prefill_context, decodes, decode_context};
  return attention_.value(point);
}

double LayerProfile::moe_us(double tokens, double activated) const {
  if (activated <= 0.0 || tokens <= 0.0) return 0.0;
  const double level = std::max(activated, min_activated_);
  const std::array<double, 2> point{level, std::max(tokens, 1.0)};
  return moe_.value(point) * (activated / level);
}

}  // namespace moesim
