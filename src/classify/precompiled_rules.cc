// The built-in rules' vectorscan database, compiled at build time by
// rebound_rulec and included here byte for byte. Linked as an object so that
// it replaces the weak empty default in rules.cc.
#include <string_view>

__asm__(
    ".section .rodata\n"
    ".balign 64\n"
    "rebound_precompiled_rules_begin:\n"
    ".incbin \"" REBOUND_RULES_DB
    "\"\n"
    "rebound_precompiled_rules_end:\n"
    ".previous\n");

extern "C" const char rebound_precompiled_rules_begin[];
extern "C" const char rebound_precompiled_rules_end[];

namespace rebound::rules {

std::string_view CompiledDatabase() {
  return std::string_view(rebound_precompiled_rules_begin,
                          static_cast<size_t>(rebound_precompiled_rules_end - rebound_precompiled_rules_begin));
}

}  // namespace rebound::rules
