#include "formats/util.h"

#include <cctype>

#include "message/headers.h"

namespace rebound::formats {

using message::Trim;

namespace {

bool IsAddressChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) != std::string_view::npos;
}

}  // namespace

std::string ExtractAddress(std::string_view text) {
  text = Trim(text);
  size_t semi = text.find(';');
  if (semi != std::string_view::npos && semi < 12 && text.find('@') > semi) text = Trim(text.substr(semi + 1));
  size_t at = text.find('@');
  while (at != std::string_view::npos) {
    size_t b = at;
    if (b > 1 && text[b - 1] == '"') {
      // A quoted local part ("john..doe"@example.org) is kept with its quotes.
      size_t open = text.rfind('"', b - 2);
      if (open != std::string_view::npos) b = open;
    } else {
      while (b > 0 && IsAddressChar(text[b - 1])) --b;
    }
    size_t e = at + 1;
    while (e < text.size() && IsAddressChar(text[e])) ++e;
    while (e > at + 1 && text[e - 1] == '.') --e;  // trailing dot of a sentence
    if (b < at && e > at + 1) {
      std::string addr = message::ToLower(text.substr(b, e - b));
      while (!addr.empty() && addr.front() == '.') addr.erase(0, 1);
      // Exchange's and Lotus Notes' address types written into the local
      // part's characters: "SMTP=jane@example.org", "smtp:jane@...".
      for (std::string_view type : {"smtp=", "smtp:", "rfc822=", "rfc822;"}) {
        if (addr.starts_with(type) && addr.size() > type.size() + 1) addr.erase(0, type.size());
      }
      // Single quotes around the address ('jane@example.org'), which are
      // address characters by the letter of RFC 5322 but quote it here.
      if (addr.size() > 2 && addr.front() == '\'') {
        addr.erase(0, 1);
        if (addr.back() == '\'') addr.pop_back();
      }
      return addr;
    }
    at = text.find('@', at + 1);
  }
  return {};
}

std::string StripTypePrefix(std::string_view value) {
  value = Trim(value);
  size_t semi = value.find(';');
  if (semi != std::string_view::npos && semi < 16) value = Trim(value.substr(semi + 1));
  return std::string(value);
}

void FillCodesFromDiagnostic(Finding* f) {
  if (f->reply_code.empty()) {
    std::string_view code = LeadingReplyCode(f->diagnostic);
    if (code.empty()) code = FindReplyCode(f->diagnostic);
    if (!code.empty() && code[0] != '2') f->reply_code = std::string(code);
  }
  // Without a Status, the reply's code is the status. With one of the same
  // class, the reply's code wins: the reporting MTA's Status summarises
  // ("5.0.0", or "4.4.7" when it gave up retrying), the remote server's own
  // code says what happened.
  std::string_view in_text = FindStatusCode(f->diagnostic);
  if (f->status.empty() || (!in_text.empty() && in_text[0] == f->status[0])) f->status = std::string(in_text);
}

Finding NoticeFinding(std::string recipient, std::string_view action, std::string diagnostic) {
  Finding f;
  f.recipient = std::move(recipient);
  f.action = std::string(action);
  f.diagnostic = std::move(diagnostic);
  FillCodesFromDiagnostic(&f);
  return f;
}

std::string_view FirstTextBody(const message::Message& m) { return m.MainText(); }

bool HeaderContains(const message::Message& m, std::string_view name, std::string_view needle) {
  const uint32_t key = message::NameKey(name);
  for (const message::HeaderField& h : m.headers()) {
    if (h.key == key && message::EqualsIgnoreCase(h.name, name) &&
        message::FindIgnoreCase(h.value, needle) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

// ---- Helpers for decoders that read the human-readable notice. ----

bool DecodeRfc3464(const message::Message& m, Report* report);

namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Appends `piece` to `out` with one blank between, collapsing blank runs;
// each word is one append rather than one push_back per byte.
void AppendCollapsed(std::string_view piece, std::string* out) {
  auto blank = [](char c) { return IsBlank(c) || c == '\n' || c == '\r'; };
  bool separate = !out->empty();
  size_t i = 0;
  while (i < piece.size()) {
    if (blank(piece[i])) {
      separate = true;
      ++i;
      continue;
    }
    size_t end = i + 1;
    while (end < piece.size() && !blank(piece[end])) ++end;
    if (separate && !out->empty() && out->back() != ' ') out->push_back(' ');
    out->append(piece.data() + i, end - i);
    separate = false;
    i = end;
  }
}

// "550-5.7.1 " or "550 " at the start of a reply line; its length, 0 if none.
size_t ReplyPrefixLength(std::string_view line, std::string_view code) {
  if (line.size() < 4 || line.substr(0, 3) != code || (line[3] != '-' && line[3] != ' ')) return 0;
  size_t n = 4;
  std::string_view status = FindStatusCode(line.substr(n, 12));
  if (!status.empty() && line.substr(n, status.size()) == status) n += status.size();
  while (n < line.size() && IsBlank(line[n])) ++n;
  return n;
}

// Adds one line of a reply to `out`: the first line's reply code (in
// *code) is then cut from the lines after it, with their status codes.
void JoinReplyLine(std::string_view line, std::string_view* code, std::string* out) {
  line = Trim(line);
  if (line.empty()) return;
  if (code->empty() && out->empty()) {
    *code = LeadingReplyCode(line);
    if (code->size() == 3 && line.substr(0, 3) != *code) *code = {};
  } else if (!code->empty()) {
    size_t n = ReplyPrefixLength(line, *code);
    if (n != 0) line = line.substr(n);
  }
  AppendCollapsed(line, out);
}

}  // namespace

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  lines.reserve(text.size() / 40 + 1);  // mail lines run 40-80 bytes: one allocation, not eight
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t nl = message::FindNewline(text, pos);
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

std::string JoinReplyLines(const std::vector<std::string_view>& lines) {
  size_t room = 0;
  for (std::string_view line : lines) room += line.size() + 1;
  std::string out;
  out.reserve(room);
  std::string_view code;
  for (std::string_view line : lines) JoinReplyLine(line, &code, &out);
  return out;
}

std::string JoinReplyLines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::string_view code;
  for (size_t pos = 0; pos < text.size();) {
    const size_t nl = message::FindNewline(text, pos);
    JoinReplyLine(text.substr(pos, nl - pos), &code, &out);
    pos = nl + 1;
  }
  return out;
}

std::string SmtpCommandIn(std::string_view text) {
  struct Mark {
    std::string_view needle;  // lowercase
    std::string_view command;
    bool upper_only;  // must be written in capitals in the text
  };
  static constexpr Mark kMarks[] = {
      {"rcpt to", "RCPT", false},     {"mail from", "MAIL", false},
      {"end of data", "DATA", false}, {"data", "DATA", true},
      {"ehlo", "EHLO", true},         {"helo", "HELO", true},
      {"starttls", "STARTTLS", true}, {"initial connection", "CONN", false},
      {"greeting", "CONN", false},    {"connect to", "CONN", false},
  };
  // One pass: the earliest word that starts a mark wins, the first mark in
  // the list at the same place.
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  for (size_t at = 0; at < text.size(); ++at) {
    if (at > 0 && alnum(text[at - 1])) continue;  // not the start of a word
    for (const Mark& mark : kMarks) {
      if (!message::StartsWithIgnoreCase(text.substr(at), mark.needle)) continue;
      const size_t end = at + mark.needle.size();
      if (end < text.size() && alnum(text[end])) continue;
      if (mark.upper_only && text[at] != mark.needle[0] - 32) continue;
      return std::string(mark.command);
    }
  }
  return std::string();
}

namespace {

bool StartsWithI(std::string_view s, std::string_view p) { return message::StartsWithIgnoreCase(s, p); }

// The address a block head names: "<a@b>" inside, else the first address;
// empty for pipes, files and bare local parts.
std::string EximHeadAddress(std::string_view head) {
  size_t lt = head.find('<');
  size_t gt = head.find('>', lt == std::string_view::npos ? 0 : lt);
  if (lt != std::string_view::npos && gt != std::string_view::npos) {
    std::string a = ExtractAddress(head.substr(lt + 1, gt - lt - 1));
    if (!a.empty()) return a;
  }
  if (StartsWithI(head, "pipe to") || StartsWithI(head, "save to") || head.starts_with("/") || head.starts_with("|")) {
    return {};
  }
  return ExtractAddress(head);
}

std::vector<std::string> HeaderAddressList(const message::Message& m, std::string_view name) {
  std::vector<std::string> out;
  std::string list = m.headers().Unfolded(name);
  size_t pos = 0;
  while (pos < list.size()) {
    size_t comma = list.find(',', pos);
    if (comma == std::string::npos) comma = list.size();
    std::string a = ExtractAddress(std::string_view(list).substr(pos, comma - pos));
    if (!a.empty()) out.push_back(std::move(a));
    pos = comma + 1;
  }
  return out;
}

}  // namespace

bool ParseEximNotice(const message::Message& m, std::string_view text, Report* report) {
  std::vector<std::string_view> lines = SplitLines(text);
  size_t i = 0;
  bool delayed = false;
  for (; i < lines.size(); ++i) {
    std::string_view t = Trim(lines[i]);
    if (t.ends_with("failed:") || t.ends_with("constructed:")) break;
    if (t.find("not yet been delivered") != std::string_view::npos && t.ends_with(":")) {
      delayed = true;
      break;
    }
  }
  if (i == lines.size()) return false;

  struct Block {
    std::string_view head;
    std::vector<std::string_view> body;
  };
  std::vector<Block> blocks;
  std::vector<std::string_view> generated;  // "The following text was generated ..."
  for (++i; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    std::string_view t = Trim(line);
    if (t.empty()) continue;
    if (!IsBlank(line[0])) {
      if (!StartsWithI(t, "The following text was generated")) break;
      // The output of a pipe or filter: up to the copy of the message.
      for (++i; i < lines.size(); ++i) {
        std::string_view g = Trim(lines[i]);
        if (g.starts_with("------ This is a copy") || g.starts_with("----- This is a copy")) break;
        if (g.starts_with("------") || StartsWithI(g, "generated by")) continue;
        generated.push_back(g);
      }
      break;
    }
    size_t indent = message::FindFirstNotOf(line, " \t");
    bool head = indent <= 2 && !StartsWithI(t, "host ") && !StartsWithI(t, "SMTP error") && !t.starts_with("(");
    if (head || blocks.empty()) {
      blocks.push_back(Block{t, {}});
    } else {
      blocks.back().body.push_back(t);
    }
  }
  if (blocks.empty()) return false;

  std::vector<std::string> failed = HeaderAddressList(m, "X-Failed-Recipients");
  for (size_t b = 0; b < blocks.size(); ++b) {
    const Block& block = blocks[b];
    Finding f;
    f.action = delayed ? "delayed" : "failed";
    std::string_view head = block.head;
    f.recipient = EximHeadAddress(head);
    std::vector<std::string_view> reply;
    // "a@b: malformed address: ..." carries its reason on the head line.
    size_t colon = head.find(": ");
    if (colon != std::string_view::npos && !StartsWithI(head, "pipe to") && !StartsWithI(head, "save to")) {
      reply.push_back(head.substr(colon + 2));
    }
    bool after_command = false;
    for (std::string_view t : block.body) {
      if (StartsWithI(t, "Delay reason:")) t = Trim(t.substr(13));
      if (StartsWithI(t, "(ultimately generated from")) continue;
      if (StartsWithI(t, "generated by")) {
        if (f.recipient.empty()) f.recipient = ExtractAddress(t.substr(12));
        continue;
      }
      if (StartsWithI(t, "SMTP error from remote mail")) {
        f.command = SmtpCommandIn(t);
        after_command = true;
        continue;
      }
      if (after_command && t.starts_with("<") && t.ends_with(">:")) continue;  // wrapped "RCPT TO:"
      after_command = false;
      if (StartsWithI(t, "host ")) {
        size_t sp = t.find(' ', 5);
        f.remote_mta = std::string(Trim(t.substr(5, sp == std::string_view::npos ? std::string_view::npos : sp - 5)));
        size_t rb = t.find(']');
        std::string_view rest = rb == std::string_view::npos ? std::string_view() : Trim(t.substr(rb + 1));
        if (rest.starts_with(":")) rest = Trim(rest.substr(1));
        if (!rest.empty()) reply.push_back(rest);
        continue;
      }
      reply.push_back(t);
    }
    if (reply.empty()) reply = generated;
    f.diagnostic = JoinReplyLines(reply);
    if (f.recipient.empty()) {
      if (b < failed.size()) {
        f.recipient = failed[b];
      } else if (failed.size() == 1) {
        f.recipient = failed[0];
      }
    }
    FillCodesFromDiagnostic(&f);
    // Exim's own sentences for a retry timeout, when they are the whole reason.
    std::string_view d = f.diagnostic;
    if (message::EqualsIgnoreCase(d, "retry timeout exceeded") ||
        StartsWithI(d, "all hosts have been failing for a long time") ||
        StartsWithI(d, "retry time not reached for any host after a long failure period")) {
      f.cause = Cause::kExpired;
      f.cause_evidence = "cause: exim retry timeout";
    }
    // Exim gave up after temporary failures: whatever the last one was, it
    // was temporary.
    if (message::FindIgnoreCase(d, "retry timeout exceeded") != std::string_view::npos ||
        StartsWithI(d, "all hosts have been failing for a long time")) {
      f.retried = true;
    }
    if (StartsWithI(head, "pipe to")) {
      f.cause = Cause::kMailerError;
      f.cause_evidence = "cause: exim delivery to a pipe failed";
    }
    if (f.recipient.empty()) continue;
    report->findings.push_back(std::move(f));
  }
  return !report->findings.empty();
}

std::vector<ExchangeEntry> ParseExchangeDiagnostics(std::string_view text, std::string* generating_server) {
  std::vector<ExchangeEntry> out;
  size_t at = message::FindIgnoreCase(text, "diagnostic information for administrators:");
  if (at == std::string_view::npos) return out;
  std::vector<std::string_view> lines = SplitLines(text.substr(at));
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string_view t = Trim(lines[i]);
    if (t.empty()) continue;
    if (StartsWithI(t, "Original message headers")) break;
    if (StartsWithI(t, "Generating server:")) {
      if (generating_server) *generating_server = std::string(Trim(t.substr(18)));
      continue;
    }
    if (t.find(' ') == std::string_view::npos && t.find('@') != std::string_view::npos) {
      ExchangeEntry e;
      e.recipient = ExtractAddress(t);
      std::vector<std::string_view> diag;
      for (++i; i < lines.size(); ++i) {
        std::string_view d = Trim(lines[i]);
        if (d.empty() || StartsWithI(d, "Original message headers")) break;
        diag.push_back(d);
      }
      --i;
      std::string joined = JoinReplyLines(diag);
      std::string_view v = joined;
      // "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##"
      if (v.starts_with("#")) v.remove_prefix(1);
      if (v.ends_with("##")) v = Trim(v.substr(0, v.size() - 2));
      // "Remote Server returned '550 5.1.10 ...'"
      if (StartsWithI(v, "Remote Server returned '") && v.ends_with("'")) v = v.substr(24, v.size() - 25);
      e.diagnostic = std::string(Trim(v));
      if (!e.recipient.empty()) out.push_back(std::move(e));
    }
  }
  return out;
}

bool DecodeDsnGroups(const message::Message& m, Report* report) { return DecodeRfc3464(m, report); }

std::vector<AddressBlock> ReadAddressBlocks(std::string_view text, std::string_view start_marker) {
  std::vector<AddressBlock> blocks;
  size_t at = message::FindIgnoreCase(text, start_marker);
  if (at == std::string_view::npos) return blocks;
  std::vector<std::string_view> lines = SplitLines(text.substr(at));
  bool skipping = false;  // under an "<...>:" line that holds no address
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string_view t = Trim(lines[i]);
    if (t.starts_with("--- ")) break;
    if (t.starts_with("<") && t.ends_with(">:") && t.find(' ') == std::string_view::npos) {
      std::string recipient = ExtractAddress(t);
      skipping = recipient.empty();
      if (!skipping) blocks.push_back(AddressBlock{std::move(recipient), {}});
      continue;
    }
    if (!skipping && !blocks.empty() && !t.empty()) blocks.back().lines.push_back(t);
  }
  return blocks;
}

bool ParseQmailNotice(std::string_view text, std::string_view start_marker, Report* report) {
  for (const AddressBlock& b : ReadAddressBlocks(text, start_marker)) {
    Finding f;
    f.recipient = b.recipient;
    f.action = "failed";
    std::vector<std::string_view> reply;
    bool in_reply = false;
    for (std::string_view t : b.lines) {
      if (StartsWithI(t, "Remote host said:")) {
        in_reply = true;
        reply.clear();
        t = Trim(t.substr(17));
        if (!t.empty()) reply.push_back(t);
        continue;
      }
      if (StartsWithI(t, "Giving up on ")) {
        std::string_view host = Trim(t.substr(13));
        if (host.ends_with(".")) host.remove_suffix(1);
        f.remote_mta = std::string(host);
        in_reply = false;
        continue;
      }
      if (StartsWithI(t, "I'm not going to try again")) {
        in_reply = false;
        continue;
      }
      // Yahoo! marks the command after the reply: "[RCPT_TO]".
      if (t.starts_with("[") && t.ends_with("]") && t.find('_') != std::string_view::npos &&
          t.find(' ') == std::string_view::npos) {
        std::string cmd(t.substr(1, t.size() - 2));
        f.command = SmtpCommandIn(cmd == "RCPT_TO" ? "RCPT TO" : cmd == "MAIL_FROM" ? "MAIL FROM" : cmd);
        continue;
      }
      if (in_reply) reply.push_back(t);
      if (f.command.empty()) {
        if (t.find("does not like recipient") != std::string_view::npos) {
          f.command = "RCPT";
        } else if (t.find("failed after I sent the message") != std::string_view::npos) {
          f.command = "DATA";
        } else if (t.find("sender was rejected") != std::string_view::npos) {
          f.command = "MAIL";
        } else if (t.find("greeting") != std::string_view::npos) {
          f.command = "CONN";
        }
      }
      if (f.remote_mta.empty()) {
        // "192.0.2.25 does not like recipient." / "Connected to 192.0.2.1 but ..."
        std::string_view h = t;
        if (StartsWithI(h, "Connected to ")) h = h.substr(13);
        size_t sp = h.find(' ');
        std::string_view rest = sp == std::string_view::npos ? std::string_view() : h.substr(sp + 1);
        if (rest.starts_with("does not like") || rest.starts_with("failed after") || rest.starts_with("but ")) {
          f.remote_mta = std::string(h.substr(0, sp));
        }
      }
    }
    if (reply.empty()) {
      for (std::string_view t : b.lines) {
        if (t.starts_with("[") && t.ends_with("]") && t.find(' ') == std::string_view::npos) continue;
        reply.push_back(t);
      }
    }
    f.diagnostic = JoinReplyLines(reply);
    FillCodesFromDiagnostic(&f);
    report->findings.push_back(std::move(f));
  }
  return !report->findings.empty();
}

// Group b: Amazon SES replies.
void UnwrapSesReply(Finding* f) {
  std::string_view d = f->diagnostic;
  std::string_view inner;
  size_t lt = d.rfind('<');
  if (message::FindIgnoreCase(d, "message expired") != std::string_view::npos && lt != std::string_view::npos &&
      d.back() == '>') {
    inner = d.substr(lt + 1, d.size() - lt - 2);
  } else if (size_t q = d.find("-'"); q != std::string_view::npos && q >= 3 && q < 64) {
    // "<status> - <SES text> 550-'<remote reply>'"
    inner = d.substr(q - 3);
  }
  std::string_view code = LeadingReplyCode(inner);
  if (code.empty()) return;
  f->reply_code = std::string(code);
  std::string_view status = FindStatusCode(inner);
  if (!status.empty()) f->status = std::string(status);
}

}  // namespace rebound::formats
