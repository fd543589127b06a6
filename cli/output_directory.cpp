#include "cli/output_directory.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <climits>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "cli/interrupt_cleanup.h"
#include "sim/config_error.h"

namespace moesim {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMarkerText =
    "This folder is a moesim result. moesim replaces it whole when a later run writes to the\n"
    "same path; anything added to it is lost then.\n";

/// What is at the final path that moesim may replace.
enum class Existing { kNothing, kResult, kEmptyFolder };

/// A real folder (not a symbolic link to one) holding the marker as a regular file.
bool is_marked(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(fs::symlink_status(dir, ec)) &&
         fs::is_regular_file(fs::symlink_status(dir / OutputDirectory::kMarker, ec));
}

[[noreturn]] void refuse(const fs::path& path, const std::string& why) {
  throw ConfigError(
      fmt::format("{}: {}; choose another --out path or remove it", path.string(), why));
}

/// Throws ConfigError for anything moesim must not replace.
Existing inspect(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(path, ec);
  if (status.type() == fs::file_type::not_found) return Existing::kNothing;
  if (ec) {
    throw std::runtime_error(fmt::format("cannot inspect {}: {}", path.string(), ec.message()));
  }
  if (fs::is_symlink(status)) refuse(path, "is a symbolic link, not a moesim result folder");
  if (!fs::is_directory(status)) refuse(path, "exists and is not a moesim result folder");
  if (is_marked(path)) return Existing::kResult;
  if (fs::is_empty(path, ec) && !ec) return Existing::kEmptyFolder;
  refuse(path, fmt::format("exists and is not a moesim result folder (it has no {} marker)",
                           OutputDirectory::kMarker));
}

/// The pid of "<prefix><pid>", written the way a pid is printed (digits, no leading zero).
std::optional<pid_t> pid_suffix(const std::string& name, const std::string& prefix) {
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) return {};
  const char* first = name.data() + prefix.size();
  const char* last = name.data() + name.size();
  if (*first == '0') return {};
  long long pid = 0;
  const auto [end, ec] = std::from_chars(first, last, pid);
  if (ec != std::errc() || end != last || pid <= 0 || pid > INT_MAX) return {};
  return static_cast<pid_t>(pid);
}

/// Whether the staging of process `pid` can no longer be in use. Our own pid counts as dead: this
/// process is about to stage that very name, so what is there is left from an earlier process
/// that had the same pid (pids repeat quickly in containers).
bool process_gone(pid_t pid) {
  return pid == ::getpid() || (::kill(pid, 0) != 0 && errno == ESRCH);
}

}  // namespace

std::optional<std::string> unsafe_folder_name(std::string_view name) {
  if (name.empty()) return "must not be empty (it names the output folder out/<name>)";
  if (name.size() > 100) return "must be at most 100 characters (it names the output folder)";
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) {
      return fmt::format(
          "\"{}\" must be one folder name of letters, digits, '.', '_' and '-' (it names the "
          "output folder out/<name>)",
          name);
    }
  }
  if (name.front() == '.') {
    return fmt::format("\"{}\" must not start with '.' (it names the output folder out/<name>)",
                       name);
  }
  return {};
}

OutputDirectory::OutputDirectory(fs::path final_path) : final_(std::move(final_path)) {
  if (final_.filename().empty()) final_ = final_.parent_path();  // "dir/" names "dir"
  const fs::path name = final_.filename();
  if (name.empty() || name == "." || name == "..") {
    throw ConfigError(
        fmt::format("{}: not a folder name moesim can write to; name a folder", final_.string()));
  }
  inspect(final_);
  remove_stale_staging();

  staging_ = sibling("partial");
  std::error_code ec;
  if (final_.has_parent_path()) fs::create_directories(final_.parent_path(), ec);
  {
    // Created and registered under the lock: an interrupt removes the folder if and only if this
    // process made it.
    auto held = InterruptCleanup::lock();
    if (!ec && !fs::create_directory(staging_, ec) && !ec) {
      throw ConfigError(
          fmt::format("{}: exists and is not staging that moesim can remove", staging_.string()));
    }
    if (ec) {
      throw std::runtime_error(
          fmt::format("cannot create output directory {}: {}", staging_.string(), ec.message()));
    }
    InterruptCleanup::add(staging_, held);
  }
  try {
    write(kMarker, kMarkerText);
  } catch (...) {
    discard();
    throw;
  }
}

OutputDirectory::~OutputDirectory() {
  if (!committed_) discard();
}

void OutputDirectory::discard() {
  auto held = InterruptCleanup::lock();
  std::error_code ec;
  fs::remove_all(staging_, ec);
  InterruptCleanup::remove(staging_, held);
}

fs::path OutputDirectory::sibling(const char* tag) const {
  fs::path path = final_;
  path += fmt::format(".{}-{}", tag, ::getpid());
  return path;
}

void OutputDirectory::remove_stale_staging() const {
  const fs::path parent = final_.has_parent_path() ? final_.parent_path() : fs::path(".");
  const std::string base = final_.filename().string();
  std::error_code ec;
  fs::directory_iterator it(parent, ec);
  if (ec) return;  // no parent yet: nothing stale either
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    const std::string entry = it->path().filename().string();
    std::optional<pid_t> pid = pid_suffix(entry, base + ".partial-");
    if (!pid) pid = pid_suffix(entry, base + ".old-");
    // Only what moesim staged (the marker), and only for processes that are gone.
    if (!pid || !process_gone(*pid) || !is_marked(it->path())) continue;
    std::error_code remove_ec;
    fs::remove_all(it->path(), remove_ec);
  }
}

void OutputDirectory::write(const std::string& name, std::string_view content) {
  std::ofstream out = open(name);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  close(out, name);
}

std::ofstream OutputDirectory::open(const std::string& name) {
  const fs::path file = staging_ / name;
  // Created under the lock: once an interrupt's cleanup holds it, nothing new appears in the
  // staging it is removing. Writing to a file already open needs no lock.
  const auto held = InterruptCleanup::lock();
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", file.string()));
  return out;
}

void OutputDirectory::close(std::ofstream& file, const std::string& name) {
  file.close();
  if (!file) throw std::runtime_error(fmt::format("cannot write {}", (staging_ / name).string()));
}

void OutputDirectory::commit() {
  // Under the lock an interrupt waits until the result is whole in place and staging is gone.
  auto held = InterruptCleanup::lock();
  const Existing existing = inspect(final_);
  const fs::path old = sibling("old");
  std::error_code ec;
  if (existing == Existing::kResult) {
    fs::rename(final_, old, ec);
    if (ec) {
      throw std::runtime_error(
          fmt::format("cannot move previous result {} aside: {}", final_.string(), ec.message()));
    }
  }
  // Onto an empty folder rename(2) replaces it, and fails if anything was put in it meanwhile.
  fs::rename(staging_, final_, ec);
  if (ec) {
    std::error_code restore_ec;
    if (existing == Existing::kResult) fs::rename(old, final_, restore_ec);
    throw std::runtime_error(
        fmt::format("cannot move results into {}: {}", final_.string(), ec.message()));
  }
  committed_ = true;
  InterruptCleanup::remove(staging_, held);
  // Deletes only a moesim result, should the folder have been swapped since inspect().
  if (existing == Existing::kResult && is_marked(old)) fs::remove_all(old, ec);
}

}  // namespace moesim
