// Where the big mail services keep their IMAP, submission and OAuth 2.0
// token endpoints, so that connecting a Gmail or Office 365 inbox takes
// only the address and the credentials. Anything else is generic IMAP,
// configured in full.
#pragma once

#include <string>

namespace rebound::inbox {

struct Preset {
  std::string provider;  // gmail | office365 | imap
  std::string imap_host;
  int imap_port = 993;
  std::string imap_tls = "tls";
  std::string smtp_host;
  int smtp_port = 465;
  std::string smtp_tls = "tls";
  std::string token_url;  // OAuth 2.0
};

// False for an unknown provider name.
bool FindPreset(const std::string& provider, Preset* out);

}  // namespace rebound::inbox
