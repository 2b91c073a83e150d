// Build tool: compiles the built-in rules and the format marks into their
// vectorscan databases and writes them serialized, so that `rebound` loads
// them at start instead of compiling (see PhraseMatcher::Compile and
// formats/prefilter.h).
#include <cstdio>
#include <fstream>
#include <string>

#include "classify/rules.h"
#include "formats/prefilter.h"

namespace {

bool WriteFile(const char* path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s RULES_OUTPUT MARKS_OUTPUT\n", argv[0]);
    return 2;
  }
  rebound::classify::RuleSet set;
  std::string error;
  if (!rebound::classify::LoadRules(&set, "", &error) || !set.Compile(&error)) {
    std::fprintf(stderr, "rulec: %s\n", error.c_str());
    return 1;
  }
  std::string marks = rebound::formats::SerializeMarks();
  if (marks.empty()) {
    std::fprintf(stderr, "rulec: format marks: %s\n", rebound::formats::PrefilterError().c_str());
    return 1;
  }
  return WriteFile(argv[1], set.SerializeMatcher()) && WriteFile(argv[2], marks) ? 0 : 1;
}
