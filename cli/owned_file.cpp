#include "cli/owned_file.h"

#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "sim/config_error.h"

namespace moesim {

namespace fs = std::filesystem;

namespace {

bool starts_with(std::string_view text, std::string_view marker) {
  return text.substr(0, marker.size()) == marker;
}

/// Throws ConfigError unless the path is free or holds a file with the marker line.
void check_replaceable(const fs::path& path, std::string_view marker) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(path, ec);
  if (status.type() == fs::file_type::not_found) return;
  if (ec) {
    throw std::runtime_error(fmt::format("cannot inspect {}: {}", path.string(), ec.message()));
  }
  const auto refuse = [&](const std::string& why) {
    throw ConfigError(
        fmt::format("{}: {}; choose another --out path or remove it", path.string(), why));
  };
  if (fs::is_symlink(status)) refuse("is a symbolic link, not a file moesim wrote");
  if (!fs::is_regular_file(status)) refuse("exists and is not a file moesim wrote");
  std::ifstream in(path);
  std::string first;
  std::getline(in, first);
  if (!starts_with(first, marker)) {
    refuse(fmt::format(
        "exists and is not a file moesim wrote (its first line does not begin \"{}\")", marker));
  }
}

}  // namespace

OwnedFile::OwnedFile(fs::path path, std::string marker)
    : path_(std::move(path)), marker_(std::move(marker)) {
  check_replaceable(path_, marker_);
}

void OwnedFile::write(std::string_view text) const {
  if (!starts_with(text, marker_)) {
    throw std::logic_error("OwnedFile::write: the text must begin with its marker");
  }
  if (path_.has_parent_path()) fs::create_directories(path_.parent_path());
  const fs::path staging = path_.string() + fmt::format(".partial-{}", ::getpid());
  {
    std::ofstream out(staging, std::ios::trunc);
    out << text;
    if (!out.flush()) {
      std::error_code ec;
      fs::remove(staging, ec);
      throw std::runtime_error("cannot write " + staging.string());
    }
  }
  try {
    check_replaceable(path_, marker_);
  } catch (...) {
    std::error_code ec;
    fs::remove(staging, ec);
    throw;
  }
  fs::rename(staging, path_);
}

}  // namespace moesim
