#include "http/openapi.h"

#include "http/api.h"

namespace rebound::http::embedded {
std::string_view File(std::string_view name);  // the embedded openapi.json (generated)
}

namespace rebound::http {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Json Build() {
  Json doc = Json::parse(embedded::File("openapi.json"));
  Json& paths = doc["paths"];
  const Json account_param = {{"name", "account"},
                              {"in", "path"},
                              {"required", true},
                              {"description", "the account acted on (operators only)"},
                              {"schema", {{"type", "string"}}}};
  for (const Route& r : Routes()) {
    if (!r.account_scoped) continue;
    const std::string method = Lower(r.method);
    if (!paths.contains(r.pattern) || !paths[r.pattern].contains(method)) continue;  // the route test says so
    Json op = paths[r.pattern][method];
    op["operationId"] = op.value("operationId", std::string("op")) + "ForAccount";
    op["summary"] = op.value("summary", std::string()) + " (operators, on the account named)";
    op["security"] = Json::array({Json{{"operator", Json::array()}}});
    Json params = op.value("parameters", Json::array());
    params.insert(params.begin(), account_param);
    op["parameters"] = std::move(params);
    const std::string rest = r.pattern.substr(3);
    paths["/v1/accounts/{account}" + (rest == "/account" ? std::string() : rest)][method] = std::move(op);
  }
  return doc;
}

}  // namespace

const std::string& OpenApiDocument() {
  static const std::string doc = Build().dump(1);
  return doc;
}

}  // namespace rebound::http
