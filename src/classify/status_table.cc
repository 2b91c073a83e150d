#include "classify/status_table.h"

#include "message/headers.h"

namespace rebound::classify {

bool StatusTable::Load(std::string_view text, std::string_view source, std::string* error) {
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    line = message::Trim(line);
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    std::string_view code = message::Trim(line.substr(0, tab));
    std::string_view cause_name;
    if (tab != std::string_view::npos) {
      cause_name = message::Trim(line.substr(tab + 1));
      size_t tab2 = cause_name.find('\t');
      if (tab2 != std::string_view::npos) cause_name = message::Trim(cause_name.substr(0, tab2));
    }
    formats::Cause cause;
    if (!formats::IsStatusCode(code) || !formats::ParseCause(cause_name, &cause)) {
      *error = std::string(source) + ":" + std::to_string(line_no) + ": expected \"CODE<TAB>CAUSE\", got \"" +
               std::string(line) + "\"";
      return false;
    }
    table_[std::string(code)] = cause;
  }
  return true;
}

formats::Cause StatusTable::Lookup(std::string_view code) const {
  auto it = table_.find(code);
  return it == table_.end() ? formats::Cause::kUndefined : it->second;
}

}  // namespace rebound::classify
