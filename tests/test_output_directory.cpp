// Output directories are written atomically: a directory with the requested name is always a
// complete result, and a failed run leaves the previous result in place.

#include <filesystem>

#include <catch2/catch.hpp>

#include "cli/output_directory.h"
#include "support/scenario_files.h"

using moesim::OutputDirectory;
using moesim::test::read_text;
using moesim::test::TempDir;
namespace fs = std::filesystem;

namespace {

size_t entries_in(const fs::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST_CASE("files appear under the final name only on commit", "[output_directory]") {
  TempDir dir("outdir");
  const fs::path final_path = dir / "result";
  {
    OutputDirectory out(final_path);
    out.write("a.txt", "alpha");
    // Before commit the result does not exist under its name; only the staging sibling does.
    CHECK_FALSE(fs::exists(final_path));
    CHECK(entries_in(dir.path()) == 1);
    out.commit();
  }
  CHECK(read_text(final_path / "a.txt") == "alpha");
  CHECK(entries_in(dir.path()) == 1);
}

TEST_CASE("an abandoned output directory leaves nothing behind", "[output_directory]") {
  TempDir dir("outdir");
  {
    OutputDirectory out(dir / "result");
    out.write("half.txt", "half-written");
  }  // destroyed without commit, as when a run throws
  CHECK(entries_in(dir.path()) == 0);
}

TEST_CASE("commit replaces a previous result whole, a failed run keeps it", "[output_directory]") {
  TempDir dir("outdir");
  const fs::path final_path = dir / "result";
  {
    OutputDirectory first(final_path);
    first.write("old.txt", "old");
    first.write("kept-only-in-old.txt", "x");
    first.commit();
  }
  {
    OutputDirectory failed(final_path);
    failed.write("old.txt", "new but never committed");
  }
  // The failed run changed nothing.
  CHECK(read_text(final_path / "old.txt") == "old");
  {
    OutputDirectory second(final_path);
    second.write("old.txt", "new");
    second.commit();
  }
  // The new result replaces the old one entirely: no stale file survives.
  CHECK(read_text(final_path / "old.txt") == "new");
  CHECK_FALSE(fs::exists(final_path / "kept-only-in-old.txt"));
  CHECK(entries_in(dir.path()) == 1);
}

TEST_CASE("an output directory under a regular file cannot be created", "[output_directory]") {
  TempDir dir("outdir");
  moesim::test::write_text(dir / "file", "x");
  CHECK_THROWS_AS(OutputDirectory(dir / "file" / "result"), std::runtime_error);
}
