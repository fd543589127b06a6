#include "cli/output_directory.h"

#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

namespace moesim {

namespace fs = std::filesystem;

OutputDirectory::OutputDirectory(fs::path final_path) : final_(std::move(final_path)) {
  if (final_.filename().empty()) final_ = final_.parent_path();
  staging_ = final_;
  staging_ += fmt::format(".partial-{}", ::getpid());
  std::error_code ec;
  fs::remove_all(staging_, ec);
  fs::create_directories(staging_, ec);
  if (ec) {
    throw std::runtime_error(
        fmt::format("cannot create output directory {}: {}", staging_.string(), ec.message()));
  }
}

OutputDirectory::~OutputDirectory() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
  }
}

void OutputDirectory::write(const std::string& name, std::string_view content) {
  const fs::path file = staging_ / name;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", file.string()));
}

void OutputDirectory::commit() {
  std::error_code ec;
  fs::path old = final_;
  old += fmt::format(".old-{}", ::getpid());
  const bool had_previous = fs::exists(final_);
  if (had_previous) {
    fs::rename(final_, old, ec);
    if (ec) {
      throw std::runtime_error(
          fmt::format("cannot move previous result {} aside: {}", final_.string(), ec.message()));
    }
  }
  fs::rename(staging_, final_, ec);
  if (ec) {
    throw std::runtime_error(
        fmt::format("cannot move results into {}: {}", final_.string(), ec.message()));
  }
  committed_ = true;
  if (had_previous) fs::remove_all(old, ec);
}

}  // namespace moesim
