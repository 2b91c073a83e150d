// RFC 4180 CSV, read record by record with the line numbers a person needs
// to fix a file. Our own reader rather than libcsv because a malformed row
// must be reported and skipped while the rows after it are still read.
#pragma once

#include <deque>
#include <istream>
#include <string>
#include <vector>

namespace rebound::app {

class CsvReader {
 public:
  explicit CsvReader(std::istream& in) : in_(in) {}

  // Reads the next record into `fields`. Returns false at the end of the
  // input (error empty) or on a malformed record (error set; only its first
  // line is skipped, so a stray quote cannot swallow the rows after it).
  bool Next(std::vector<std::string>* fields, std::string* error);

  // The number of lines consumed so far.
  size_t line() const { return line_; }

 private:
  bool ReadLine(std::string* line);

  std::istream& in_;
  std::deque<std::string> pushed_back_;  // lines to read again after an error
  size_t line_ = 0;
};

// A field quoted for CSV output when it needs to be.
std::string CsvField(const std::string& s);

}  // namespace rebound::app
