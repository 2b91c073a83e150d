// The vectorscan databases compiled at build time by rebound_rulec (the
// built-in rules, and the format prefilter's marks), included here byte for
// byte. Linked as an object so that its functions replace the weak empty
// defaults in classify/rules.cc and formats/prefilter.cc.
#include <string_view>

#include "formats/prefilter.h"

// Embeds the file PATH between the labels NAME_begin and NAME_end.
#define REBOUND_INCBIN(NAME, PATH)      \
  __asm__(                              \
      ".section .rodata\n"              \
      ".balign 64\n" #NAME              \
      "_begin:\n"                       \
      ".incbin \"" PATH "\"\n" #NAME    \
      "_end:\n"                         \
      ".previous\n");                   \
  extern "C" const char NAME##_begin[]; \
  extern "C" const char NAME##_end[];

REBOUND_INCBIN(rebound_precompiled_rules, REBOUND_RULES_DB)
REBOUND_INCBIN(rebound_precompiled_marks, REBOUND_MARKS_DB)

namespace {

std::string_view Between(const char* begin, const char* end) {
  return std::string_view(begin, static_cast<size_t>(end - begin));
}

}  // namespace

namespace rebound::rules {

std::string_view CompiledDatabase() { return Between(rebound_precompiled_rules_begin, rebound_precompiled_rules_end); }

}  // namespace rebound::rules

namespace rebound::formats {

std::string_view PrecompiledMarks() { return Between(rebound_precompiled_marks_begin, rebound_precompiled_marks_end); }

}  // namespace rebound::formats
