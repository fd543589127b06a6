#include "traces/import/stored_zip_archive.h"

#include <algorithm>

#include <fmt/format.h>

#include "sim/config_error.h"

namespace moesim {
namespace {

// Record signatures and sizes from PKWARE's APPNOTE.TXT, section 4.3.
constexpr uint32_t kEndOfCentralDirectory = 0x06054b50;
constexpr uint32_t kZip64Locator = 0x07064b50;
constexpr uint32_t kZip64EndOfCentralDirectory = 0x06064b50;
constexpr uint32_t kCentralHeader = 0x02014b50;
constexpr uint32_t kLocalHeader = 0x04034b50;
constexpr size_t kEocdSize = 22;
constexpr size_t kLocatorSize = 20;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kLocalHeaderSize = 30;
constexpr uint16_t kZip64ExtraId = 0x0001;

uint64_t le(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

}  // namespace

void StoredZipArchive::fail(uint64_t offset, const std::string& expected) const {
  throw ConfigError(fmt::format("{}: byte {}: expected {}", file_, offset, expected));
}

void StoredZipArchive::read_at(uint64_t offset, size_t bytes, char* out) {
  if (offset > file_size_ || bytes > file_size_ - offset) {
    fail(offset, fmt::format("{} more bytes, the file ends at byte {}", bytes, file_size_));
  }
  in_.seekg(static_cast<std::streamoff>(offset));
  in_.read(out, static_cast<std::streamsize>(bytes));
  if (!in_) fail(offset, fmt::format("{} readable bytes", bytes));
}

StoredZipArchive::StoredZipArchive(const std::filesystem::path& file)
    : file_(file.string()), in_(file, std::ios::binary) {
  if (!in_) throw ConfigError(fmt::format("{}: cannot open file", file_));
  in_.seekg(0, std::ios::end);
  file_size_ = static_cast<uint64_t>(in_.tellg());

  // The end record sits in the last 22 bytes plus an archive comment of up to 65535 bytes.
  const uint64_t tail = std::min<uint64_t>(file_size_, kEocdSize + 65535);
  if (tail < kEocdSize) fail(0, "a ZIP archive (torch.save file), the file is too short");
  std::string buf(tail, '\0');
  read_at(file_size_ - tail, tail, buf.data());
  size_t at = std::string::npos;
  for (size_t i = tail - kEocdSize + 1; i-- > 0;) {
    if (le(buf.data() + i, 4) == kEndOfCentralDirectory) {
      at = i;
      break;
    }
  }
  if (at == std::string::npos) fail(0, "a ZIP archive (torch.save file): no end record found");
  const uint64_t eocd = file_size_ - tail + at;
  const char* e = buf.data() + at;
  uint64_t count = le(e + 10, 2);
  uint64_t cd_size = le(e + 12, 4);
  uint64_t cd_offset = le(e + 16, 4);
  if (eocd >= kLocatorSize) {
    char loc[kLocatorSize];
    read_at(eocd - kLocatorSize, kLocatorSize, loc);
    if (le(loc, 4) == kZip64Locator) {
      const uint64_t z64 = le(loc + 8, 8);
      char rec[56];
      read_at(z64, sizeof rec, rec);
      if (le(rec, 4) != kZip64EndOfCentralDirectory) fail(z64, "a ZIP64 end record");
      count = le(rec + 32, 8);
      cd_size = le(rec + 40, 8);
      cd_offset = le(rec + 48, 8);
    }
  }
  if (cd_offset > file_size_ || cd_size > file_size_ - cd_offset) {
    fail(eocd, "a central directory inside the file");
  }

  std::string cd(cd_size, '\0');
  read_at(cd_offset, cd_size, cd.data());
  size_t pos = 0;
  for (uint64_t i = 0; i < count; ++i) {
    const uint64_t here = cd_offset + pos;
    if (pos + kCentralHeaderSize > cd.size() || le(cd.data() + pos, 4) != kCentralHeader) {
      fail(here, fmt::format("central directory header {} of {}", i + 1, count));
    }
    const char* h = cd.data() + pos;
    const uint64_t flags = le(h + 8, 2);
    const uint64_t method = le(h + 10, 2);
    uint64_t compressed = le(h + 20, 4);
    uint64_t size = le(h + 24, 4);
    const size_t name_len = le(h + 28, 2);
    const size_t extra_len = le(h + 30, 2);
    const size_t comment_len = le(h + 32, 2);
    uint64_t local = le(h + 42, 4);
    if (pos + kCentralHeaderSize + name_len + extra_len + comment_len > cd.size()) {
      fail(here, "a central directory header inside the directory");
    }
    Entry entry;
    entry.name.assign(h + kCentralHeaderSize, name_len);
    // ZIP64 extra field: the 8-byte values replace, in this order, the 32-bit fields that are
    // 0xFFFFFFFF (APPNOTE 4.5.3).
    const char* x = h + kCentralHeaderSize + name_len;
    for (size_t off = 0; off + 4 <= extra_len;) {
      const uint64_t id = le(x + off, 2);
      const size_t len = le(x + off + 2, 2);
      if (id == kZip64ExtraId) {
        size_t v = off + 4;
        for (uint64_t* field : {&size, &compressed, &local}) {
          if (*field != 0xFFFFFFFFu) continue;
          if (v + 8 > off + 4 + len) fail(here, "a complete ZIP64 extra field");
          *field = le(x + v, 8);
          v += 8;
        }
      }
      off += 4 + len;
    }
    if (flags & 1u) fail(here, fmt::format("entry '{}' unencrypted", entry.name));
    if (method != 0 || compressed != size) {
      fail(here, fmt::format("entry '{}' stored uncompressed (method 0, as torch.save writes), "
                             "got method {}",
                             entry.name, method));
    }
    char lh[kLocalHeaderSize];
    read_at(local, kLocalHeaderSize, lh);
    if (le(lh, 4) != kLocalHeader) fail(local, fmt::format("the local header of '{}'", entry.name));
    entry.data_offset = local + kLocalHeaderSize + le(lh + 26, 2) + le(lh + 28, 2);
    entry.size = size;
    if (entry.data_offset > file_size_ || size > file_size_ - entry.data_offset) {
      fail(entry.data_offset, fmt::format("{} bytes of '{}' inside the file", size, entry.name));
    }
    entries_.push_back(std::move(entry));
    pos += kCentralHeaderSize + name_len + extra_len + comment_len;
  }
}

const StoredZipArchive::Entry* StoredZipArchive::find(const std::string& name) const {
  for (const Entry& e : entries_) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

void StoredZipArchive::read(const Entry& entry, uint64_t offset, uint64_t bytes, char* out) {
  if (offset > entry.size || bytes > entry.size - offset) {
    fail(entry.data_offset + offset, fmt::format("bytes {}..{} inside entry '{}' of {} bytes",
                                                 offset, offset + bytes, entry.name, entry.size));
  }
  read_at(entry.data_offset + offset, bytes, out);
}

std::string StoredZipArchive::read_all(const Entry& entry) {
  std::string data(entry.size, '\0');
  read(entry, 0, entry.size, data.data());
  return data;
}

}  // namespace moesim
