// RFC 3463 enhanced status code -> cause, loaded from rules/status.tsv.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "formats/vocabulary.h"

namespace rebound::classify {

class StatusTable {
 public:
  // Adds the rules of a status.tsv text ("CODE<TAB>CAUSE" lines). Later
  // loads override earlier ones. On a malformed line returns false with
  // `error` naming the line; the rules before it are kept.
  bool Load(std::string_view text, std::string_view source, std::string* error);

  // The cause a status code means by itself, or kUndefined.
  formats::Cause Lookup(std::string_view code) const;
  size_t size() const { return table_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, formats::Cause, Hash, std::equal_to<>> table_;
};

}  // namespace rebound::classify
