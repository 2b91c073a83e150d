// The one place that lists every bounce format, in the order they are
// tried: complaints and structured reports of known MTAs first, then the
// generic RFC 3464 decoder, then formats recognised by their own marks,
// then auto-replies, then the generic reading of a mailer-daemon notice.
#include <array>

#include "formats/formats.h"

namespace rebound::formats {

#define REBOUND_DECODER(fn) bool fn(const message::Message&, Report*);
// clang-format off
REBOUND_DECODER(DecodeArf)
REBOUND_DECODER(DecodeRfc3464)
REBOUND_DECODER(DecodeRfc3834)
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
// group-b declarations
// clang-format on
#undef REBOUND_DECODER

namespace {

constexpr std::array kDecoders = {
    Decoder{"arf", DecodeArf},
    Decoder{"activehunter", DecodeActiveHunter},
    Decoder{"amazonworkmail", DecodeAmazonWorkMail},
    Decoder{"receivingses", DecodeReceivingSes},
    Decoder{"amazonses", DecodeAmazonSes},
    Decoder{"mcafee", DecodeMcafee},
    Decoder{"powermta", DecodePowerMta},
    Decoder{"sendgrid", DecodeSendGrid},
    Decoder{"surfcontrol", DecodeSurfControl},
    Decoder{"mfilter", DecodeMfilter},
    Decoder{"mimecast", DecodeMimecast},
    Decoder{"mxlogic", DecodeMxLogic},
    Decoder{"fml", DecodeFml},
    Decoder{"mailfoundry", DecodeMailFoundry},
    Decoder{"bigfoot", DecodeBigfoot},
    Decoder{"biglobe", DecodeBiglobe},
    Decoder{"kddi", DecodeKddi},
    Decoder{"ezweb", DecodeEzweb},
    Decoder{"verizon", DecodeVerizon},
    Decoder{"trendmicro", DecodeTrendMicro},
    Decoder{"barracuda", DecodeBarracuda},
    Decoder{"amavis", DecodeAmavis},
    Decoder{"domino", DecodeDomino},
    Decoder{"messagingserver", DecodeMessagingServer},
    Decoder{"mailmarshal", DecodeMailMarshal},
    Decoder{"notes", DecodeNotes},
    // group-b before-rfc3464
    Decoder{"opensmtpd", DecodeOpenSmtpd},
    Decoder{"googleworkspace", DecodeGoogleWorkspace},
    Decoder{"mailru", DecodeMailRu},
    Decoder{"exim", DecodeExim},
    Decoder{"postfix", DecodePostfix},
    Decoder{"sendmail", DecodeSendmail},
    Decoder{"courier", DecodeCourier},
    Decoder{"yandex", DecodeYandex},
    Decoder{"aol", DecodeAol},
    Decoder{"office365", DecodeOffice365},
    Decoder{"exchange2007", DecodeExchange2007},
    Decoder{"outlook", DecodeOutlook},
    Decoder{"gmx", DecodeGmx},
    Decoder{"einsundeins", DecodeEinsUndEins},
    Decoder{"zoho", DecodeZoho},
    // group-a before-rfc3464
    Decoder{"rfc3464", DecodeRfc3464},
    Decoder{"googlegroups", DecodeGoogleGroups},
    Decoder{"gmail", DecodeGmail},
    Decoder{"dragonfly", DecodeDragonFly},
    Decoder{"yahoo", DecodeYahoo},
    Decoder{"qmail", DecodeQmail},
    Decoder{"v5sendmail", DecodeV5Sendmail},
    Decoder{"exchange2003", DecodeExchange2003},
    Decoder{"imailserver", DecodeImailServer},
    Decoder{"apachejames", DecodeApacheJames},
    // group-a after-rfc3464
    Decoder{"x6", DecodeX6},
    Decoder{"x3", DecodeX3},
    Decoder{"x1", DecodeX1},
    Decoder{"x2", DecodeX2},
    Decoder{"x4", DecodeX4},
    Decoder{"x5", DecodeX5},
    // group-b after-rfc3464
    Decoder{"rfc3834", DecodeRfc3834},
    Decoder{"generic", DecodeGeneric},
};

}  // namespace

std::span<const Decoder> Registry() { return kDecoders; }

bool Decode(const message::Message& message, Report* report) {
  for (const Decoder& d : kDecoders) {
    *report = Report();
    if (d.decode(message, report)) return true;
  }
  *report = Report();
  return false;
}

}  // namespace rebound::formats
