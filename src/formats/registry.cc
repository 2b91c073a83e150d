// The one place that lists every bounce format, in the order they are
// tried: complaints and structured reports of known MTAs first, then the
// generic RFC 3464 decoder, then formats recognised by their own marks,
// then auto-replies, then the generic reading of a mailer-daemon notice.
// Each entry carries its marks (formats.h: Decoder::marks), literals of
// which one must occur in the message for the decoder to recognise it.
#include <array>

#include "formats/formats.h"
#include "formats/prefilter.h"

namespace rebound::formats {

#define REBOUND_DECODER(fn) bool fn(const message::Message&, Report*);
// clang-format off
REBOUND_DECODER(DecodeArf)
REBOUND_DECODER(DecodeRfc3464)
REBOUND_DECODER(DecodeRfc3834)
REBOUND_DECODER(DecodeMdn)
REBOUND_DECODER(DecodeGeneric)
REBOUND_DECODER(DecodeQmail)
REBOUND_DECODER(DecodeYahoo)
REBOUND_DECODER(DecodeMailRu)
REBOUND_DECODER(DecodeExim)
REBOUND_DECODER(DecodeGmail)
REBOUND_DECODER(DecodeGoogleGroups)
REBOUND_DECODER(DecodeGoogleWorkspace)
REBOUND_DECODER(DecodeDragonFly)
REBOUND_DECODER(DecodeOpenSmtpd)
REBOUND_DECODER(DecodePostfix)
REBOUND_DECODER(DecodeSendmail)
REBOUND_DECODER(DecodeV5Sendmail)
REBOUND_DECODER(DecodeCourier)
REBOUND_DECODER(DecodeYandex)
REBOUND_DECODER(DecodeAol)
REBOUND_DECODER(DecodeOffice365)
REBOUND_DECODER(DecodeExchange2007)
REBOUND_DECODER(DecodeOutlook)
REBOUND_DECODER(DecodeExchange2003)
REBOUND_DECODER(DecodeGmx)
REBOUND_DECODER(DecodeEinsUndEins)
REBOUND_DECODER(DecodeZoho)
REBOUND_DECODER(DecodeImailServer)
REBOUND_DECODER(DecodeApacheJames)
// group-a declarations
REBOUND_DECODER(DecodeActiveHunter)
REBOUND_DECODER(DecodeAmavis)
REBOUND_DECODER(DecodeAmazonWorkMail)
REBOUND_DECODER(DecodeReceivingSes)
REBOUND_DECODER(DecodeAmazonSes)
REBOUND_DECODER(DecodeBarracuda)
REBOUND_DECODER(DecodeBigfoot)
REBOUND_DECODER(DecodeBiglobe)
REBOUND_DECODER(DecodeDomino)
REBOUND_DECODER(DecodeNotes)
REBOUND_DECODER(DecodeEzweb)
REBOUND_DECODER(DecodeKddi)
REBOUND_DECODER(DecodeFml)
REBOUND_DECODER(DecodeMailFoundry)
REBOUND_DECODER(DecodeMailMarshal)
REBOUND_DECODER(DecodeMcafee)
REBOUND_DECODER(DecodeMessagingServer)
REBOUND_DECODER(DecodeMfilter)
REBOUND_DECODER(DecodeMimecast)
REBOUND_DECODER(DecodeMxLogic)
REBOUND_DECODER(DecodePowerMta)
REBOUND_DECODER(DecodeSendGrid)
REBOUND_DECODER(DecodeSurfControl)
REBOUND_DECODER(DecodeTrendMicro)
REBOUND_DECODER(DecodeVerizon)
REBOUND_DECODER(DecodeX1)
REBOUND_DECODER(DecodeX2)
REBOUND_DECODER(DecodeX3)
REBOUND_DECODER(DecodeX4)
REBOUND_DECODER(DecodeX5)
REBOUND_DECODER(DecodeX6)
REBOUND_DECODER(DecodeAttachedReport)
// group-b declarations
// clang-format on
#undef REBOUND_DECODER

namespace {

// LooksLikeExchangeNdr (exchange2007.cc): its header, or its text.
constexpr std::string_view kExchangeNdrHeader = "x-ms-exchange-message-is-ndr";
constexpr std::string_view kExchangeNdrText =
    "diagnostic information for administrators:|sent by microsoft exchange server";

// Each entry: name, decoder, header marks, text marks (formats.h).
constexpr std::array kDecoders = {
    Decoder{"arf", DecodeArf, "", ""},
    Decoder{"activehunter", DecodeActiveHunter, "x-ahmailid|active!hunter", ""},
    Decoder{"amazonworkmail", DecodeAmazonWorkMail, "amazon workmail", ""},
    Decoder{"receivingses", DecodeReceivingSes, "x-ses-outgoing|amazonses", ""},
    Decoder{"amazonses", DecodeAmazonSes, "@sns.amazonaws.com|amazonses.com", ""},
    Decoder{"mcafee", DecodeMcafee, "x-nai-header", ""},
    Decoder{"powermta", DecodePowerMta, "", ""},
    Decoder{"sendgrid", DecodeSendGrid, "", ""},
    Decoder{"surfcontrol", DecodeSurfControl, "surfcontrol", ""},
    Decoder{"mfilter", DecodeMfilter, "", "-------server message"},
    Decoder{"mimecast", DecodeMimecast, "x-mc-system|x-mimecast-originator|x-mimecast-spam-score", ""},
    Decoder{"mxlogic", DecodeMxLogic, "x-mx-bounce|x-mxl-notehash|mxlogic.net|(mxl_mta-", ""},
    Decoder{"fml", DecodeFml, "x-mlserver", ""},
    Decoder{"mailfoundry", DecodeMailFoundry, "(mailfoundry)", ""},
    Decoder{"bigfoot", DecodeBigfoot, "@bigfoot.com|.bigfoot.com", ""},
    Decoder{"biglobe", DecodeBiglobe, "biglobe.ne.jp", ""},
    Decoder{"kddi", DecodeKddi, ".dion.ne.jp|auone-net.jp", ""},
    Decoder{"ezweb", DecodeEzweb, "@ezweb.ne.jp|(ezweb mail)", ""},
    Decoder{"verizon", DecodeVerizon, "vtext.com|vzwpix.com", ""},
    Decoder{"trendmicro", DecodeTrendMicro, "interscan", ""},
    Decoder{"barracuda", DecodeBarracuda, "", ""},
    Decoder{"amavis", DecodeAmavis, "content-filter at ", ""},
    Decoder{"domino", DecodeDomino, "delivery failure:|delivery_failure:", ""},
    Decoder{"messagingserver", DecodeMessagingServer, "delivery notification: |boundary_(id_|messaging server", ""},
    Decoder{"mailmarshal", DecodeMailMarshal, "", "could not be delivered because of"},
    Decoder{"notes", DecodeNotes, "", "------- failure reasons"},
    // group-b before-rfc3464
    Decoder{"opensmtpd", DecodeOpenSmtpd, "", "this is the mailer-daemon, please do not reply"},
    Decoder{"googleworkspace", DecodeGoogleWorkspace, "", "** message not delivered **"},
    Decoder{"mailru", DecodeMailRu, "mail.ru", "mail.ru"},
    Decoder{"exim", DecodeExim, "",
            "message was created automatically by|a message that you sent|incorrectly constructed"},
    Decoder{"postfix", DecodePostfix, "", ""},
    Decoder{"sendmail", DecodeSendmail, "",
            "----- transcript of session follows -----|the original message was received at"},
    Decoder{"courier", DecodeCourier, "", "running the courier mail server"},
    Decoder{"yandex", DecodeYandex, "", ""},
    Decoder{"aol", DecodeAol, "postmaster@aol.com|x-aol-ip", "not accepting mail from"},
    Decoder{"office365", DecodeOffice365, kExchangeNdrHeader, kExchangeNdrText},
    Decoder{"exchange2007", DecodeExchange2007, kExchangeNdrHeader, kExchangeNdrText},
    Decoder{"outlook", DecodeOutlook, "", "this is an automatically generated delivery status notification"},
    Decoder{"gmx", DecodeGmx, "", "--- the header of the original message is following. ---"},
    Decoder{"einsundeins", DecodeEinsUndEins, "", "--- the header of the original message is following. ---"},
    Decoder{"zoho", DecodeZoho, "", "this message was created automatically by mail delivery"},
    // group-a before-rfc3464
    Decoder{"rfc3464", DecodeRfc3464, "", ""},
    Decoder{"googlegroups", DecodeGoogleGroups, "", "groups.google.com/support"},
    Decoder{"gmail", DecodeGmail, "", "delivery to the following recipient"},
    Decoder{"dragonfly", DecodeDragonFly, "", "this is the dragonfly mail agent"},
    Decoder{"yahoo", DecodeYahoo, "", "sorry, we were unable to deliver your message"},
    Decoder{"qmail", DecodeQmail, "", "this is the qmail|to deliver your message to the following addresses"},
    Decoder{"v5sendmail", DecodeV5Sendmail, "", "----- transcript of session follows -----"},
    Decoder{"exchange2003", DecodeExchange2003, "",
            "did not reach the following recipient|recipient(s) could not be reached"},
    Decoder{"imailserver", DecodeImailServer, "<smtp32 v", ""},
    Decoder{"apachejames", DecodeApacheJames, ".javamail.|james smtp server|[bounce]", ""},
    // group-a after-rfc3464
    Decoder{"x6", DecodeX6, "", "we had trouble delivering your message"},
    Decoder{"x3", DecodeX3, "", "this is an automatically generated delivery status notification"},
    Decoder{"x1", DecodeX1, "", "---the following addresses had delivery errors---"},
    Decoder{"x2", DecodeX2, "",
            "delivery to the following address has been failed|deliver message to the following address(es)"},
    Decoder{"x4", DecodeX4, "", "your mail message to the following address(es) could not be delivered"},
    Decoder{"x5", DecodeX5, "returned mail:", ""},
    Decoder{"attached", DecodeAttachedReport, "", ""},
    // group-b after-rfc3464
    Decoder{"mdn", DecodeMdn, "disposition-notification", ""},
    Decoder{"rfc3834", DecodeRfc3834, "", ""},
    Decoder{"generic", DecodeGeneric, "", ""},
};

static_assert(kDecoders.size() <= kMaxDecoders);

}  // namespace

std::span<const Decoder> Registry() { return kDecoders; }

bool Decode(const message::Message& message, Report* report) {
  const DecoderSet candidates = Candidates(message);
  for (size_t i = 0; i < kDecoders.size(); ++i) {
    if (!candidates.test(i)) continue;
    *report = Report();
    if (kDecoders[i].decode(message, report)) return true;
  }
  *report = Report();
  return false;
}

// A report sent as an attachment: a notice (a multipart, no report of its
// own) whose attached message is itself an RFC 6522 report with a
// delivery-status part (RFC 3464), as gateways that forward the report
// they received write it. The attached report is decoded in its place,
// once: a report inside it is not looked for.
bool DecodeAttachedReport(const message::Message& message, Report* report) {
  thread_local bool inside = false;
  if (inside || !message.delivery_status().empty() || !message.root().IsMultipart() ||
      message.root().Is("multipart", "report")) {
    return false;
  }
  const std::vector<message::Part>& parts = message.parts();
  for (size_t i = 1; i + 1 < parts.size(); ++i) {
    const message::Part& part = parts[i];
    if (part.parent != 0 || !(part.Is("message", "rfc822") || part.Is("message", "global"))) continue;
    // The attached message's own root, parsed with the notice: only a
    // report is read again on its own.
    const message::Part& attached = parts[i + 1];
    if (attached.parent != static_cast<int>(i) || !attached.Is("multipart", "report")) continue;
    thread_local message::Message inner;
    inner.Parse(part.body, message.limits());
    if (!inner.root().Is("multipart", "report") || inner.delivery_status().empty()) continue;
    inside = true;
    const bool found = Decode(inner, report);
    inside = false;
    if (found) {
      report->evidence += "; the report is attached to the notice";
      return true;
    }
  }
  return false;
}

}  // namespace rebound::formats
