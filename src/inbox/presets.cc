#include "inbox/presets.h"

namespace rebound::inbox {

bool FindPreset(const std::string& provider, Preset* out) {
  if (provider == "gmail") {
    // https://developers.google.com/gmail/imap/imap-smtp
    *out = Preset{
        "gmail", "imap.gmail.com", 993, "tls", "smtp.gmail.com", 465, "tls", "https://oauth2.googleapis.com/token"};
    return true;
  }
  if (provider == "office365") {
    // Exchange Online: IMAP on 993, client submission with STARTTLS on 587.
    *out = Preset{"office365",
                  "outlook.office365.com",
                  993,
                  "tls",
                  "smtp.office365.com",
                  587,
                  "starttls",
                  "https://login.microsoftonline.com/common/oauth2/v2.0/token"};
    return true;
  }
  if (provider == "imap") {
    *out = Preset{"imap", "", 993, "tls", "", 465, "tls", ""};
    return true;
  }
  return false;
}

}  // namespace rebound::inbox
