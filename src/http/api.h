// Inside the HTTP face: the route table, what a handler sees of a request
// (Call), and the helpers every handler uses to read its input and answer
// in the shapes of API.md. Handlers only translate: each one reads its
// parameters, calls one use case of app::App and writes its answer.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/app.h"
#include "app/json.h"

namespace rebound::http {

using app::Json;

// Who may call a route.
enum class Access {
  kPublic,    // no key
  kRead,      // an account key of any scope (or an operator naming the account)
  kWrite,     // an account key of scope write (or an operator naming the account)
  kOperator,  // an operator key
};

class Call;
using Handler = std::function<void(Call&)>;

struct Route {
  std::string method;   // GET, POST, PATCH, DELETE
  std::string pattern;  // OpenAPI style: /v1/contacts/{address}
  Access access = Access::kRead;
  // An account route: also served to operators under
  // /v1/accounts/{account}/... for the account named there.
  bool account_scoped = true;
  Handler handler;
};

// The routes of the API, in the order they are matched.
const std::vector<Route>& Routes();

// One request being answered.
class Call {
 public:
  Call(app::App& app, const httplib::Request& req, httplib::Response& res) : app(app), req(req), res(res) {}

  app::App& app;
  const httplib::Request& req;
  httplib::Response& res;
  std::vector<std::string> params;  // the path's {parameters}, in order
  app::Principal principal;
  int64_t account_id = 0;  // the account the call acts in (0 for operator routes)
  size_t max_json_depth = 32;

  // Answers.
  void Send(int status, const Json& body);
  void Fail(const app::Status& status);
  void Fail(int http_status, const std::string& code, const std::string& message);
  // A page: {"data": [...], "next_cursor": ...}.
  void Page(const Json& data, const std::string& next_cursor);

  // Input. Each returns false after answering 4xx itself.
  // The body as a JSON object (or array), checked for media type, syntax
  // and depth.
  bool JsonBody(Json* out, bool array = false);
  bool Limit(size_t* out);  // ?limit=, default 50, at most 500
  bool CursorId(int64_t* out);
  bool CursorText(std::string* out);
  bool IdParam(size_t index, int64_t* out);
  bool TimeParam(const char* name, int64_t* out);
  std::string Query(const char* name) const;
  bool HasQuery(const char* name) const;
  // The request's media type, lowercased, without parameters.
  std::string MediaType() const;
  // Who the audit records: "by" when given, else the key's name.
  std::string Actor(const Json& body) const;
};

// The opaque cursor of the next page.
std::string CursorOf(int64_t id);
std::string CursorOf(const std::string& text);

// Typed reads of a JSON object's field; each answers 400 itself when the
// field has the wrong type and returns false.
bool OptionalString(Call& call, const Json& body, const char* name, std::optional<std::string>* out);
bool OptionalBool(Call& call, const Json& body, const char* name, std::optional<bool>* out);
bool OptionalInt(Call& call, const Json& body, const char* name, std::optional<int64_t>* out);
bool OptionalNumber(Call& call, const Json& body, const char* name, std::optional<double>* out);
bool OptionalStrings(Call& call, const Json& body, const char* name, std::optional<std::vector<std::string>>* out);

// The route tables of each resource file.
void AddBounceRoutes(std::vector<Route>* routes);
void AddContactRoutes(std::vector<Route>* routes);
void AddEmailRoutes(std::vector<Route>* routes);
void AddAccountRoutes(std::vector<Route>* routes);
void AddWebhookRoutes(std::vector<Route>* routes);
void AddInboxRoutes(std::vector<Route>* routes);
void AddOperatorRoutes(std::vector<Route>* routes);

}  // namespace rebound::http
