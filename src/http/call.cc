// What every handler uses to read a request and answer it.
#include <algorithm>

#include "app/secrets.h"
#include "http/api.h"

namespace rebound::http {

namespace {

constexpr size_t kDefaultLimit = 50;
constexpr size_t kMaxLimit = 500;

// The nesting depth of a JSON text, counted outside strings; a deep text is
// refused before the parser sees it.
size_t JsonDepth(const std::string& text) {
  size_t depth = 0;
  size_t max = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max = std::max(max, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return max;
}

const char* CodeName(app::Code code) {
  switch (code) {
    case app::Code::kBadRequest:
      return "bad_request";
    case app::Code::kUnauthorized:
      return "unauthorized";
    case app::Code::kNotFound:
      return "not_found";
    case app::Code::kConflict:
      return "conflict";
    case app::Code::kConfirmationRequired:
      return "confirmation_required";
    case app::Code::kForbidden:
      return "forbidden";
    case app::Code::kUnavailable:
      return "unavailable";
    case app::Code::kInternal:
    case app::Code::kOk:
      break;
  }
  return "internal";
}

int HttpStatus(app::Code code) {
  switch (code) {
    case app::Code::kOk:
      return 200;
    case app::Code::kBadRequest:
      return 400;
    case app::Code::kUnauthorized:
      return 401;
    case app::Code::kForbidden:
      return 403;
    case app::Code::kNotFound:
      return 404;
    case app::Code::kConflict:
    case app::Code::kConfirmationRequired:
      return 409;
    case app::Code::kUnavailable:
      return 503;
    case app::Code::kInternal:
      break;
  }
  return 500;
}

bool DecodeCursor(const std::string& cursor, std::string* out) {
  std::string bytes;
  if (!app::DecodeBase64(cursor, &bytes) || !bytes.starts_with("c1:")) return false;
  *out = bytes.substr(3);
  return true;
}

}  // namespace

std::string CursorOf(int64_t id) { return CursorOf(std::to_string(id)); }
std::string CursorOf(const std::string& text) { return app::Base64Url("c1:" + text); }

void Call::Send(int status, const Json& body) {
  res.status = status;
  res.set_content(app::Dump(body), "application/json; charset=utf-8");
}

void Call::Fail(int http_status, const std::string& code, const std::string& message) {
  Send(http_status, Json{{"error", {{"code", code}, {"message", message}}}});
  if (http_status == 503) res.set_header("Retry-After", "5");
}

void Call::Fail(const app::Status& status) {
  Fail(HttpStatus(status.code()), CodeName(status.code()), status.message());
}

void Call::Page(const Json& data, const std::string& next_cursor) {
  Send(200, Json{{"data", data}, {"next_cursor", next_cursor.empty() ? Json(nullptr) : Json(next_cursor)}});
}

std::string Call::MediaType() const {
  std::string type = req.get_header_value("Content-Type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  return type;
}

bool Call::JsonBody(Json* out, bool array) {
  if (MediaType() != "application/json") {
    Fail(415, "unsupported_media_type", "send the body as application/json");
    return false;
  }
  if (JsonDepth(req.body) > max_json_depth) {
    Fail(400, "bad_request", "the JSON body is nested more than " + std::to_string(max_json_depth) + " levels deep");
    return false;
  }
  *out = Json::parse(req.body, nullptr, false);
  if (out->is_discarded()) {
    Fail(400, "bad_request", "the body is not valid JSON");
    return false;
  }
  if (array ? !out->is_array() : !out->is_object()) {
    Fail(400, "bad_request", array ? "the body must be a JSON array" : "the body must be a JSON object");
    return false;
  }
  return true;
}

bool Call::Limit(size_t* out) {
  *out = kDefaultLimit;
  if (!req.has_param("limit")) return true;
  const std::string v = req.get_param_value("limit");
  char* end = nullptr;
  const long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < 1 || n > static_cast<long long>(kMaxLimit)) {
    Fail(400, "bad_request", "limit is a number from 1 to 500");
    return false;
  }
  *out = static_cast<size_t>(n);
  return true;
}

bool Call::CursorId(int64_t* out) {
  *out = 0;
  if (!req.has_param("cursor")) return true;
  std::string text;
  char* end = nullptr;
  if (DecodeCursor(req.get_param_value("cursor"), &text)) {
    const long long n = std::strtoll(text.c_str(), &end, 10);
    if (!text.empty() && *end == '\0' && n > 0) {
      *out = n;
      return true;
    }
  }
  Fail(400, "bad_request", "the cursor is not one this API gave");
  return false;
}

bool Call::CursorText(std::string* out) {
  out->clear();
  if (!req.has_param("cursor")) return true;
  if (DecodeCursor(req.get_param_value("cursor"), out)) return true;
  Fail(400, "bad_request", "the cursor is not one this API gave");
  return false;
}

bool Call::IdParam(size_t index, int64_t* out) {
  const std::string& v = params.at(index);
  char* end = nullptr;
  const long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n <= 0 || v.size() > 18) {
    // Not an id of ours: the same answer as an id that does not exist.
    Fail(404, "not_found", "no such resource");
    return false;
  }
  *out = n;
  return true;
}

bool Call::TimeParam(const char* name, int64_t* out) {
  *out = 0;
  if (!req.has_param(name)) return true;
  if (app::ParseTime(req.get_param_value(name), out)) return true;
  Fail(400, "bad_request", std::string(name) + " is an RFC 3339 time, e.g. 2026-11-02T10:01:40Z");
  return false;
}

std::string Call::Query(const char* name) const { return req.has_param(name) ? req.get_param_value(name) : ""; }

bool Call::HasQuery(const char* name) const { return req.has_param(name); }

std::string Call::Actor(const Json& body) const {
  auto it = body.find("by");
  if (it != body.end() && it->is_string() && !it->get<std::string>().empty()) return it->get<std::string>();
  return "api key " + (principal.key_name.empty() ? std::to_string(principal.key_id) : principal.key_name);
}

namespace {

bool WrongType(Call& call, const char* name, const char* type) {
  call.Fail(400, "bad_request", std::string("\"") + name + "\" must be " + type);
  return false;
}

}  // namespace

bool OptionalString(Call& call, const Json& body, const char* name, std::optional<std::string>* out) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_string()) return WrongType(call, name, "a string");
  *out = it->get<std::string>();
  return true;
}

bool OptionalBool(Call& call, const Json& body, const char* name, std::optional<bool>* out) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_boolean()) return WrongType(call, name, "true or false");
  *out = it->get<bool>();
  return true;
}

bool OptionalInt(Call& call, const Json& body, const char* name, std::optional<int64_t>* out) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_number_integer()) return WrongType(call, name, "an integer");
  *out = it->get<int64_t>();
  return true;
}

bool OptionalNumber(Call& call, const Json& body, const char* name, std::optional<double>* out) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_number()) return WrongType(call, name, "a number");
  *out = it->get<double>();
  return true;
}

bool OptionalStrings(Call& call, const Json& body, const char* name, std::optional<std::vector<std::string>>* out) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_array()) return WrongType(call, name, "an array of strings");
  std::vector<std::string> v;
  for (const Json& item : *it) {
    if (!item.is_string()) return WrongType(call, name, "an array of strings");
    v.push_back(item.get<std::string>());
  }
  *out = std::move(v);
  return true;
}

}  // namespace rebound::http
