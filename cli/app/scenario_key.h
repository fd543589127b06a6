#pragma once
/// One key of the scenario language, declared once (cli/app/scenario_keys.h holds them all):
/// its path, type, default, unit and meaning. `moesim explain` and docs/scenario-keys.md are
/// generated from these declarations, and the key-coverage test checks that every key a loader
/// reads is one of them.

#include <string>
#include <vector>

namespace moesim {

enum class KeyType {
  kString,       ///< free text or a catalogue name
  kWholeNumber,  ///< an integer >= 0
  kNumber,       ///< a real number
  kBool,         ///< true or false
  kTime,         ///< a duration with its unit ("2 us")
  kBytes,        ///< a size with its unit ("80 GiB")
  kBandwidth,    ///< bytes per second with its unit ("900 GB/s")
  kFlopRate,     ///< FLOP per second with its unit ("989 TFLOP/s")
  kPath,         ///< a file or folder, relative to the scenario file
  kChoice,       ///< one of a fixed list of words
  kMap,          ///< a mapping of keys (a block)
  kList,         ///< a list; `items` says of what
  kLength,       ///< a token length: a whole number or a distribution mapping
  kStrategy,     ///< a strategy of `family`: a name, or a mapping with its parameters
  kRefused,      ///< read only to refuse it with a pointer to the key that took its place
};

/// "whole number", "bandwidth", ... as `moesim explain` prints a type.
const char* to_string(KeyType type);

struct ScenarioKey {
  /// Dotted path; `<name>` segments stand for any name ("hardware.link_overrides.<link>"),
  /// `<key path>` for any dotted scenario key path, `[]` for every element of a list.
  std::string path;
  KeyType type = KeyType::kString;
  /// "required", "none", "from the card", or the value a scenario would write.
  std::string default_text;
  /// The unit of a plain number ("GPUs", "tokens"); "" where none applies or the value
  /// carries its own.
  std::string unit;
  /// One sentence.
  std::string description;
  /// kChoice: the allowed words.
  std::vector<std::string> choices;
  /// kList: what each element is ("whole numbers", "mappings").
  std::string items;
  /// kStrategy: the strategy family whose parameters are the keys below this one.
  std::string family;
  /// kStrategy: the key inside the block that names the strategy ("name", "generator"), or ""
  /// where the block's own key is the strategy's name (`bounds.<bound>`).
  std::string selector;

  /// The type in words: "choice of bf16 | fp8", "list of whole numbers", "dispatch strategy".
  std::string type_text() const;
  bool is_block() const { return type == KeyType::kMap || type == KeyType::kLength; }
};

/// Declaration helpers for the tables in cli/app/keys/.
namespace key {

ScenarioKey value(std::string path, KeyType type, std::string default_text, std::string description,
                  std::string unit = "");
ScenarioKey choice(std::string path, std::vector<std::string> choices, std::string default_text,
                   std::string description);
ScenarioKey block(std::string path, std::string description, std::string default_text = "none");
ScenarioKey list(std::string path, std::string items, std::string default_text,
                 std::string description);
ScenarioKey strategy(std::string path, std::string family, std::string selector,
                     std::string default_text, std::string description);
ScenarioKey refused(std::string path, std::string description);

}  // namespace key

}  // namespace moesim
