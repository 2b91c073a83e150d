// Build tool: compiles the built-in rules into a vectorscan database and
// writes it serialized, so that `rebound` loads it at start instead of
// compiling (see PhraseMatcher::Compile).
#include <cstdio>
#include <fstream>
#include <string>

#include "classify/rules.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT\n", argv[0]);
    return 2;
  }
  rebound::classify::RuleSet set;
  std::string error;
  if (!rebound::classify::LoadRules(&set, "", &error) || !set.Compile(&error)) {
    std::fprintf(stderr, "rulec: %s\n", error.c_str());
    return 1;
  }
  std::string bytes = set.SerializeMatcher();
  std::ofstream out(argv[1], std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return out ? 0 : 1;
}
