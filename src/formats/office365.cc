// Office 365 (Exchange Online): Exchange's non-delivery report sent from
// Microsoft's cloud, told apart from an on-premises Exchange by its hosts
// (*.outlook.com, *.onmicrosoft.com) and its own header fields.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

namespace {

bool SentByOffice365(const message::Message& m) {
  const message::HeaderBlock& h = m.headers();
  if (h.Has("X-MS-Exchange-CrossTenant-Id") || h.Has("X-MS-Office365-Filtering-Correlation-Id")) return true;
  return HeaderContains(m, "Message-ID", ".outlook.com>") || HeaderContains(m, "From", ".onmicrosoft.com") ||
         HeaderContains(m, "From", "@outlook.com") || HeaderContains(m, "Received", ".protection.outlook.com");
}

}  // namespace

bool DecodeOffice365(const message::Message& m, Report* report) {
  if (!SentByOffice365(m) || !LooksLikeExchangeNdr(m)) return false;
  if (!ReadExchangeNdr(m, report)) return false;
  report->format = "office365";
  report->evidence = "format: office365: Exchange non-delivery report from Office 365";
  return true;
}

}  // namespace rebound::formats
