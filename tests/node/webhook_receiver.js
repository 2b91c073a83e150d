// A webhook receiver for the tests: verifies every request with the
// Standard Webhooks reference library (npm standardwebhooks), not with
// Rebound's code, and appends what it received to a JSON-lines file.
//
//   node webhook_receiver.js PORT OUT_FILE CONTROL_DIR
//
// CONTROL_DIR/secrets.json holds the secrets to verify with (each one is
// tried; the indices that verified are recorded), CONTROL_DIR/mode says how
// to answer: "ok" (200), "fail" (503), "slow" (200 after 15 s). Requests to
// /gone are answered 410 whatever the mode.
"use strict";
const http = require("node:http");
const fs = require("node:fs");
const path = require("node:path");
const { Webhook } = require("standardwebhooks");

const [port, outFile, control] = process.argv.slice(2);

function read(name, fallback) {
  try {
    return fs.readFileSync(path.join(control, name), "utf8").trim();
  } catch {
    return fallback;
  }
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const headers = {
      "webhook-id": req.headers["webhook-id"],
      "webhook-timestamp": req.headers["webhook-timestamp"],
      "webhook-signature": req.headers["webhook-signature"],
    };
    let secrets = [];
    try {
      secrets = JSON.parse(read("secrets.json", "[]"));
    } catch {
      // being rewritten: this request fails verification and is retried
    }
    const verified = [];
    secrets.forEach((secret, i) => {
      try {
        new Webhook(secret).verify(body, headers);
        verified.push(i);
      } catch {
        // not signed with this one
      }
    });
    const mode = req.url === "/gone" ? "gone" : read("mode", "ok");
    const record = {
      id: headers["webhook-id"],
      path: req.url,
      mode,
      verified,
      signatures: (headers["webhook-signature"] || "").split(" ").length,
      at: Date.now(),
    };
    let type = null;
    try {
      type = JSON.parse(body).type;
      record.type = type;
      record.address = JSON.parse(body).data.address;
    } catch {
      record.bad_json = true;
    }
    fs.appendFileSync(outFile, JSON.stringify(record) + "\n");
    if (verified.length === 0) {
      res.writeHead(401);
      return res.end("signature does not verify");
    }
    if (mode === "gone") {
      res.writeHead(410);
      return res.end("gone");
    }
    if (mode === "fail") {
      res.writeHead(503);
      return res.end("down for maintenance");
    }
    const answer = () => {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("ok");
    };
    if (mode === "slow") return setTimeout(answer, 15000);
    answer();
  });
});
server.keepAliveTimeout = 30000;
server.listen(Number(port), "127.0.0.1", () => {
  fs.writeFileSync(path.join(control, "ready"), String(port));
});
