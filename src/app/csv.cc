#include "app/csv.h"

#include "message/headers.h"

namespace rebound::app {

bool CsvReader::ReadLine(std::string* line) {
  if (!pushed_back_.empty()) {
    *line = std::move(pushed_back_.front());
    pushed_back_.pop_front();
  } else if (!std::getline(in_, *line)) {
    return false;
  }
  ++line_;
  return true;
}

bool CsvReader::Next(std::vector<std::string>* fields, std::string* error) {
  fields->clear();
  error->clear();
  std::string line;
  if (!ReadLine(&line)) return false;
  std::vector<std::string> continuation;  // lines a quoted field spanned
  auto fail = [&](const char* why) {
    *error = why;
    // Give back the lines after the record's first, to be read as records.
    for (auto it = continuation.rbegin(); it != continuation.rend(); ++it) {
      pushed_back_.push_front(std::move(*it));
      --line_;
    }
    return false;
  };
  std::string field;
  bool quoted = false;      // inside a quoted field
  bool was_quoted = false;  // the current field was quoted
  size_t i = 0;
  while (true) {
    if (i == line.size() || (i + 1 == line.size() && line[i] == '\r' && !quoted)) {
      if (!quoted) break;
      // A quoted field spans lines.
      std::string next;
      if (!ReadLine(&next)) return fail("unterminated quoted field");
      continuation.push_back(next);
      field.push_back('\n');
      line = std::move(next);
      i = 0;
      continue;
    }
    char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          field.push_back('"');
          i += 2;
          continue;
        }
        quoted = false;
        ++i;
        if (i < line.size() && line[i] != ',' && line[i] != '\r') return fail("text after a closing quote");
        continue;
      }
      field.push_back(c);
      ++i;
      continue;
    }
    if (c == '"') {
      if (!field.empty() || was_quoted) return fail("quote inside an unquoted field");
      quoted = true;
      was_quoted = true;
      ++i;
      continue;
    }
    if (c == ',') {
      fields->push_back(std::move(field));
      field.clear();
      was_quoted = false;
      ++i;
      continue;
    }
    field.push_back(c);
    ++i;
  }
  fields->push_back(std::move(field));
  return true;
}

std::string CsvField(const std::string& s) {
  if (message::FindFirstOf(s, ",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace rebound::app
