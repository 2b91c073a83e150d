// The benchmark input: every message file of a corpus directory, in memory.
// REBOUND_CORPUS overrides the directory.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace rebound::bench {

inline const std::vector<std::string>& CorpusMessages() {
  static const std::vector<std::string> messages = [] {
    std::vector<std::string> out;
    const char* env = std::getenv("REBOUND_CORPUS");
    std::filesystem::path dir = env ? env : REBOUND_DEFAULT_CORPUS;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      if (ss.str().size() > 1) out.push_back(ss.str());
    }
    return out;
  }();
  return messages;
}

inline size_t CorpusBytes() {
  size_t n = 0;
  for (const auto& m : CorpusMessages()) n += m.size();
  return n;
}

}  // namespace rebound::bench
