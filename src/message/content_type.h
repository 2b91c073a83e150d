// Parsing of Content-Type and Content-Transfer-Encoding values.
#pragma once

#include <string_view>

#include "message/message.h"

namespace rebound::message {

struct ContentType {
  std::string_view type;  // empty when the value has no "type/subtype"
  std::string_view subtype;
  std::string_view charset;
  std::string_view boundary;
  std::string_view report_type;
};

// Parses a raw (possibly folded) Content-Type value; views point into it.
// Quoted parameter values are returned without their quotes.
ContentType ParseContentType(std::string_view raw);

TransferEncoding ParseTransferEncoding(std::string_view raw);

}  // namespace rebound::message
