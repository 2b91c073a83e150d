// Many case-insensitive patterns matched in one pass over a text, through
// one vectorscan (Hyperscan API) database.
//
// Compile once; Match is const and thread-safe: each thread gets its own
// scratch space, made on its first scan.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rebound::classify {

class PhraseMatcher {
 public:
  struct Pattern {
    std::string text;    // a literal, or a regular expression when `regex`
    bool regex = false;  // PCRE subset that vectorscan compiles
    std::string source;  // "rules/phrases.tsv:12", for errors
  };

  PhraseMatcher();
  ~PhraseMatcher();
  PhraseMatcher(const PhraseMatcher&) = delete;
  PhraseMatcher& operator=(const PhraseMatcher&) = delete;

  // Compiles the patterns; pattern i gets id i. On failure `error` names the
  // offending pattern and its source. When `precompiled` holds a database
  // that Serialize() made from the very same patterns (checked by a hash)
  // on a compatible CPU, it is loaded instead of compiling: compiling two
  // thousand patterns takes a fifth of a second, loading a millisecond.
  bool Compile(const std::vector<Pattern>& patterns, std::string* error, std::string_view precompiled = {});

  // The compiled database, for Compile's `precompiled`.
  std::string Serialize() const;

  // Whether the last Compile loaded the precompiled database.
  bool loaded_precompiled() const { return loaded_precompiled_; }

  // Appends to `ids`, in increasing order, the id of every pattern found
  // in `text`.
  void Match(std::string_view text, std::vector<uint32_t>* ids) const;

  size_t size() const { return size_; }

 private:
  struct Database;
  std::unique_ptr<Database> db_;
  size_t size_ = 0;
  uint64_t hash_ = 0;  // of the patterns, to validate a precompiled database
  bool loaded_precompiled_ = false;
};

// Escapes a literal so that vectorscan reads it as itself.
std::string EscapeLiteral(std::string_view literal);

}  // namespace rebound::classify
