#include "traces/staged_file.h"

#include <unistd.h>

#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "sim/config_error.h"

namespace moesim {

StagedFile::StagedFile(std::filesystem::path final_path) : final_(std::move(final_path)) {
  staging_ = final_;
  staging_ += ".partial-" + std::to_string(::getpid());
  file_ = std::fopen(staging_.c_str(), "wb");
  if (file_ == nullptr) {
    throw ConfigError(fmt::format("{}: cannot create file", final_.string()));
  }
}

StagedFile::~StagedFile() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::error_code ignored;
    std::filesystem::remove(staging_, ignored);
  }
}

void StagedFile::write(const void* data, size_t size) {
  if (file_ == nullptr) throw std::logic_error("StagedFile::write after commit");
  if (size > 0 && std::fwrite(data, 1, size, file_) != size) {
    throw std::runtime_error(fmt::format("{}: write failed", staging_.string()));
  }
}

void StagedFile::commit() {
  if (file_ == nullptr) throw std::logic_error("StagedFile::commit twice");
  const bool flushed = std::fflush(file_) == 0;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  std::error_code ec;
  if (flushed && closed) std::filesystem::rename(staging_, final_, ec);
  if (!flushed || !closed || ec) {
    std::filesystem::remove(staging_, ec);
    throw std::runtime_error(fmt::format("{}: cannot complete the file", final_.string()));
  }
}

}  // namespace moesim
