// The format prefilter's mark database, compiled at build time by
// rebound_rulec and included here byte for byte. Linked as an object so that
// it replaces the weak empty default in formats/prefilter.cc.
#include <string_view>

#include "formats/prefilter.h"

__asm__(
    ".section .rodata\n"
    ".balign 64\n"
    "rebound_precompiled_marks_begin:\n"
    ".incbin \"" REBOUND_MARKS_DB
    "\"\n"
    "rebound_precompiled_marks_end:\n"
    ".previous\n");

extern "C" const char rebound_precompiled_marks_begin[];
extern "C" const char rebound_precompiled_marks_end[];

namespace rebound::formats {

std::string_view PrecompiledMarks() {
  return std::string_view(rebound_precompiled_marks_begin,
                          static_cast<size_t>(rebound_precompiled_marks_end - rebound_precompiled_marks_begin));
}

}  // namespace rebound::formats
