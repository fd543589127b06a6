#pragma once
/// A family of interchangeable strategies (placements, routing generators, ...): each member
/// declares its name, one line of help and its typed parameters once (StrategyInfo), with a
/// factory that receives the family's context and the checked parameter values. The registry
/// is a plain object built by builtin_strategies(): no static registration, so `moesim list`
/// and the scenario loader see exactly what was added.

#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/strategies/params.h"
#include "sim/config_error.h"

namespace moesim {

struct MoeLayerShape;
struct ModelCard;
struct ParallelLayout;

/// What a strategy's load-time check may consult: the scenario as far as it is loaded.
struct ParamCheckContext {
  const MoeLayerShape* model = nullptr;    ///< always set
  const ModelCard* card = nullptr;         ///< when the scenario names a card or config.json
  const ParallelLayout* layout = nullptr;  ///< serving scenarios
  std::string gpu;                         ///< the catalogue GPU the scenario runs on
  std::filesystem::path scenario_dir;      ///< relative paths resolve here
  bool serving = false;                    ///< a serving scenario (requests with positions)
};

/// Thrown by a strategy's check: the loader reports it at `key` with the file and line.
class ParamError : public std::runtime_error {
 public:
  ParamError(std::string key, const std::string& message)
      : std::runtime_error(message), key_(std::move(key)) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

/// A strategy's self-description.
struct StrategyInfo {
  std::string name;
  std::string help;
  std::vector<ParamSpec> params;
  /// Optional: checks across parameters and against the scenario, and normalises values
  /// (resolves paths). Throws ParamError.
  std::function<void(Params&, const ParamCheckContext&)> check;

  const ParamSpec* param(const std::string& key) const {
    for (const ParamSpec& p : params) {
      if (p.name == key) return &p;
    }
    return nullptr;
  }
};

/// The strategy a scenario chose in one family, with its checked parameters.
struct StrategyChoice {
  std::string name;
  Params params;
};

/// A family seen without its interface: what listing, loading and docs need.
class FamilyInfo {
 public:
  FamilyInfo(std::string name, std::string help) : name_(std::move(name)), help_(std::move(help)) {}
  virtual ~FamilyInfo() = default;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  virtual std::vector<const StrategyInfo*> strategies() const = 0;

  /// The strategy with this name, or nullptr.
  const StrategyInfo* find_info(const std::string& strategy) const {
    for (const StrategyInfo* s : strategies()) {
      if (s->name == strategy) return s;
    }
    return nullptr;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const StrategyInfo* s : strategies()) out.push_back(s->name);
    return out;
  }
  /// "unknown placement strategy 'x' (known: a, b)".
  std::string unknown_message(const std::string& strategy) const {
    const auto known = names();
    return fmt::format(
        "unknown {} strategy \"{}\" (known: {})", name_, strategy,
        known.empty() ? std::string("none yet") : fmt::format("{}", fmt::join(known, ", ")));
  }

 private:
  std::string name_;
  std::string help_;
};

/// A family whose interface a later step adds: listed, with no strategies yet.
class PlannedFamily final : public FamilyInfo {
 public:
  using FamilyInfo::FamilyInfo;
  std::vector<const StrategyInfo*> strategies() const override { return {}; }
};

/// Strategies implementing `Interface`, built from a `Context` and their parameters.
template <class Interface, class Context>
class StrategyFamily final : public FamilyInfo {
 public:
  using Factory = std::function<std::unique_ptr<Interface>(const Context&, const Params&)>;
  struct Entry {
    StrategyInfo info;
    Factory make;
  };

  using FamilyInfo::FamilyInfo;

  void add(Entry entry) {
    if (find_info(entry.info.name) != nullptr) {
      throw std::logic_error(fmt::format("{} strategy '{}' added twice", name(), entry.info.name));
    }
    entries_.push_back(std::move(entry));
  }
  std::vector<const StrategyInfo*> strategies() const override {
    std::vector<const StrategyInfo*> out;
    for (const Entry& e : entries_) out.push_back(&e.info);
    return out;
  }
  /// The entry with this name; ConfigError naming the known ones otherwise.
  const Entry& at(const std::string& strategy) const {
    for (const Entry& e : entries_) {
      if (e.info.name == strategy) return e;
    }
    throw ConfigError(unknown_message(strategy));
  }
  /// Builds the chosen strategy.
  std::unique_ptr<Interface> make(const StrategyChoice& choice, const Context& context) const {
    return at(choice.name).make(context, choice.params);
  }

 private:
  std::vector<Entry> entries_;
};

}  // namespace moesim
