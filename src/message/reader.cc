#include "message/reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

namespace rebound::message {

namespace {

namespace fs = std::filesystem;

struct FileCloser {
  void operator()(FILE* f) const {
    if (f != nullptr && f != stdin) std::fclose(f);
  }
};
using File = std::unique_ptr<FILE, FileCloser>;

// Splits a byte stream into lines ending in LF, CRLF or a lone CR (the
// terminator stays on the line), reading in fixed-size chunks.
class LineReader {
 public:
  LineReader(FILE* f, std::string_view prefix) : f_(f), buf_(prefix) {}

  // Sets *line to the next line; false at the end of input.
  bool Next(std::string* line) {
    line->clear();
    while (true) {
      size_t i = pos_;
      while (i < buf_.size() && buf_[i] != '\n' && buf_[i] != '\r') ++i;
      if (i < buf_.size()) {
        // A CR at the very end of the buffer may be followed by LF in the
        // next chunk: read on before deciding.
        if (buf_[i] == '\r' && i + 1 == buf_.size() && !eof_) {
          Fill();  // rebases positions; the scan restarts at pos_
          continue;
        }
        size_t end = i + 1;
        if (buf_[i] == '\r' && end < buf_.size() && buf_[end] == '\n') ++end;
        line->append(buf_, pos_, end - pos_);
        pos_ = end;
        return true;
      }
      line->append(buf_, pos_, std::string::npos);
      pos_ = buf_.size();
      if (!Fill()) return !line->empty();
    }
  }

  bool error() const { return error_; }

 private:
  // Appends the next chunk (keeping unread bytes); false at the end.
  // Positions before pos_ are dropped only when more input is read.
  bool Fill() {
    if (eof_) return false;
    buf_.erase(0, pos_);
    pos_ = 0;
    char chunk[1 << 16];
    size_t n = std::fread(chunk, 1, sizeof(chunk), f_);
    if (n < sizeof(chunk)) {
      eof_ = true;
      if (std::ferror(f_)) error_ = true;
    }
    buf_.append(chunk, n);
    return n > 0;
  }

  FILE* f_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  bool error_ = false;
};

bool IsBlankLine(std::string_view line) { return line == "\n" || line == "\r\n" || line == "\r" || line.empty(); }

// "From sender Thu Dec 22 17:54:04 2015": the time of day tells a
// separator from a body line that happens to start with "From ".
bool IsMboxSeparator(std::string_view line) {
  if (!line.starts_with("From ")) return false;
  for (size_t i = 5; i + 4 < line.size(); ++i) {
    auto digit = [&](size_t k) { return line[k] >= '0' && line[k] <= '9'; };
    if (line[i + 2] == ':' && digit(i) && digit(i + 1) && digit(i + 3) && digit(i + 4)) return true;
  }
  return false;
}

// The full ctime form, "From sender Thu Jul  2 12:05:05 2020", counts as a
// separator even without the blank line before it that mbox writers should
// leave.
bool IsStrictMboxSeparator(std::string_view line) {
  if (!IsMboxSeparator(line)) return false;
  static constexpr std::string_view kDays[] = {"Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun "};
  size_t sender_end = line.find(' ', 5);
  if (sender_end == std::string_view::npos || sender_end == 5) return false;
  std::string_view rest = line.substr(sender_end);
  while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
  for (std::string_view d : kDays) {
    if (rest.starts_with(d)) return true;
  }
  return false;
}

// Streams an mbox: a separator line after a blank line (or at the start)
// begins a new message; the separator itself is not part of it.
bool ReadMbox(FILE* f, std::string_view prefix, const std::string& name, const ReadOptions& options,
              const MessageSink& on_message) {
  LineReader lines(f, prefix);
  std::string line;
  std::string message;
  bool in_message = false;
  bool previous_blank = true;
  int index = 0;
  auto flush = [&] {
    if (!in_message) return;
    ++index;
    on_message(name + "#" + std::to_string(index), message);
    message.clear();
  };
  while (lines.Next(&line)) {
    if ((previous_blank && IsMboxSeparator(line)) || IsStrictMboxSeparator(line)) {
      flush();
      in_message = true;
      previous_blank = false;
      continue;
    }
    if (!in_message) in_message = true;  // content before any separator
    previous_blank = IsBlankLine(line);
    if (message.size() <= options.max_message_bytes) {
      size_t room = options.max_message_bytes + 1 - message.size();
      message.append(line, 0, std::min(room, line.size()));
    }
  }
  flush();
  return !lines.error();
}

// Reads one file: an mbox when told or when its first line is a separator,
// else one message.
bool ReadFile(FILE* f, const std::string& name, const ReadOptions& options, const MessageSink& on_message,
              std::string* error) {
  thread_local std::string buf;
  buf.clear();
  // Peek at the first chunk to tell an mbox by its first line.
  char head[4096];
  size_t n = std::fread(head, 1, sizeof(head), f);
  if (n < sizeof(head) && std::ferror(f)) {
    *error = std::strerror(errno);
    return false;
  }
  std::string_view first(head, n);
  if (options.force_mbox || first.starts_with("From ")) {
    if (!ReadMbox(f, first, name, options, on_message)) {
      *error = "read error";
      return false;
    }
    return true;
  }
  const size_t cap = options.max_message_bytes + 1;
  buf.assign(head, std::min(n, cap));
  while (buf.size() < cap && !std::feof(f)) {
    size_t old = buf.size();
    size_t want = std::min<size_t>(cap - old, 1 << 16);
    buf.resize(old + want);
    size_t got = std::fread(buf.data() + old, 1, want, f);
    buf.resize(old + got);
    if (got < want) {
      if (std::ferror(f)) {
        *error = std::strerror(errno);
        return false;
      }
      break;
    }
  }
  on_message(name, buf);
  if (buf.capacity() > (4u << 20)) std::string().swap(buf);  // do not keep a huge buffer
  return true;
}

// Reads a regular file with plain POSIX calls into a reused buffer: for
// directories of small messages, the per-file cost is mostly system calls.
bool ReadRegularFile(const fs::path& path, const std::string& name, const ReadOptions& options,
                     const MessageSink& on_message, std::string* error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = std::strerror(errno);
    return false;
  }
  thread_local std::string buf;
  const size_t cap = options.max_message_bytes + 1;
  struct stat st;
  size_t want = cap;
  if (::fstat(fd, &st) == 0 && st.st_size >= 0) want = std::min<size_t>(cap, static_cast<size_t>(st.st_size) + 1);
  buf.resize(std::max<size_t>(want, 4096));
  size_t have = 0;
  while (have < buf.size()) {
    // The first read is small, to tell an mbox (streamed) before buffering.
    const size_t chunk = have == 0 ? std::min<size_t>(buf.size(), 65536) : buf.size() - have;
    ssize_t n = ::read(fd, buf.data() + have, chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = std::strerror(errno);
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    have += static_cast<size_t>(n);
    // An mbox is streamed, whatever its size.
    if (options.force_mbox || std::string_view(buf.data(), have).starts_with("From ")) break;
    if (have == buf.size() && have < cap) buf.resize(std::min(cap, buf.size() * 2));
  }
  std::string_view head(buf.data(), have);
  if (options.force_mbox || head.starts_with("From ")) {
    FILE* f = ::fdopen(fd, "rb");
    if (f == nullptr) {
      *error = std::strerror(errno);
      ::close(fd);
      return false;
    }
    File owned(f);
    std::string prefix(head);
    if (!ReadMbox(f, prefix, name, options, on_message)) {
      *error = "read error";
      return false;
    }
    return true;
  }
  ::close(fd);
  on_message(name, head.substr(0, std::min(have, cap)));
  if (buf.capacity() > (4u << 20)) std::string().swap(buf);  // do not keep a huge buffer
  return true;
}

bool ReadPath(const fs::path& path, const std::string& name, fs::file_type type, const ReadOptions& options,
              const MessageSink& on_message, const ErrorSink& on_error) {
  std::error_code ec;
  if (type == fs::file_type::none || type == fs::file_type::symlink || type == fs::file_type::unknown) {
    fs::file_status st = fs::status(path, ec);
    if (ec) {
      on_error(name, ec.message());
      return false;
    }
    type = st.type();
  }
  if (type == fs::file_type::directory) {
    // Entry types come from the directory listing itself (no stat per file).
    std::vector<std::pair<std::string, fs::file_type>> entries;
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code tec;
      entries.emplace_back(it->path().filename().string(), it->symlink_status(tec).type());
    }
    if (ec) {
      on_error(name, ec.message());
      return false;
    }
    std::sort(entries.begin(), entries.end());
    bool ok = true;
    std::string prefix = name;
    if (!prefix.empty() && prefix.back() != '/') prefix.push_back('/');
    for (const auto& [entry, entry_type] : entries) {
      fs::file_type t = entry_type;
      if (t == fs::file_type::symlink) {
        std::error_code sec;
        t = fs::status(path / entry, sec).type();
      }
      if (t != fs::file_type::directory && t != fs::file_type::regular) continue;  // sockets, fifos
      ok = ReadPath(path / entry, prefix + entry, t, options, on_message, on_error) && ok;
    }
    return ok;
  }
  std::string error;
  if (!ReadRegularFile(path, name, options, on_message, &error)) {
    on_error(name, error);
    return false;
  }
  return true;
}

}  // namespace

bool ReadMessages(const std::string& path, const ReadOptions& options, const MessageSink& on_message,
                  const ErrorSink& on_error) {
  if (path == "-") {
    std::string error;
    if (!ReadFile(stdin, "-", options, on_message, &error)) {
      on_error("-", error);
      return false;
    }
    return true;
  }
  return ReadPath(fs::path(path), path, fs::file_type::none, options, on_message, on_error);
}

}  // namespace rebound::message
