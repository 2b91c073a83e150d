// The web UI walked in Debian's chromium by playwright-core, over the world
// tests/web/browser_test.py made (its facts file). Prints one JSON line per
// check: {"what", "ok", "detail"}; exits 1 when one failed.
//
//   node browser.js FACTS.json
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { chromium } = require("playwright-core");

const facts = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const base = facts.base;
let failed = 0;

function check(ok, what, detail) {
  if (!ok) failed += 1;
  console.log(JSON.stringify({ what, ok: !!ok, detail: ok ? undefined : String(detail === undefined ? "" : detail) }));
}

const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

async function axe(page, what) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(bad.length === 0, `axe: no serious or critical violation on ${what}`, JSON.stringify(bad));
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(facts.screenshots, name + ".png"), fullPage: true });
}

async function signIn(page, email, password) {
  await page.goto(base + "/login");
  await page.fill("input[name=email]", email);
  await page.fill("input[name=password]", password);
  await Promise.all([page.waitForLoadState("load"), page.click("form[action='/login'] button[type=submit]")]);
}

async function status(page, url) {
  const r = await page.goto(base + url);
  return r.status();
}

async function text(page, selector) {
  return (await page.locator(selector).first().innerText()).trim();
}

(async () => {
  const browser = await chromium.launch({
    executablePath: facts.chromium,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const alerts = [];
  // axe-core is injected into the pages, which their Content-Security-Policy
  // would refuse: the walk bypasses it (its presence is checked below, and
  // escaping, not the policy, is what keeps data inert).
  const context = await browser.newContext({ locale: "en-US", bypassCSP: true,
    extraHTTPHeaders: { "Accept-Language": "en-US,en;q=0.9" } });
  const page = await context.newPage();
  page.on("dialog", async (d) => { alerts.push(d.message()); await d.dismiss(); });
  const external = [];
  page.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("data:")) external.push(r.url()); });

  try {
    // Sign in; the pages need it.
    check((await status(page, "/emails")) === 200 && page.url().includes("/login"), "a page without a session asks to sign in", page.url());
    const headers = (await page.goto(base + "/login")).headers();
    check((headers["content-security-policy"] || "").includes("script-src 'self'") &&
      headers["x-frame-options"] === "DENY", "pages carry a Content-Security-Policy", JSON.stringify(headers));
    await axe(page, "the sign-in page");
    await shot(page, "en-login");
    await signIn(page, facts.ann, facts.password);
    check(page.url().endsWith("/dashboard"), "signed in, on the dashboard", page.url());
    await page.waitForFunction(() => document.querySelectorAll("canvas").length === 4 && window.Chart !== undefined);
    const drawn = await page.evaluate(() => [...document.querySelectorAll("canvas")].filter((c) => c.width > 0).length);
    check(drawn === 4, "the dashboard draws its four charts", drawn);
    check((await page.locator("table").first().innerText()).includes("test.example"), "top bouncing domains list the receiving domain");
    await axe(page, "the dashboard");
    await shot(page, "en-dashboard");

    // The email: bucket counts equal the API's.
    await page.goto(base + "/emails");
    await axe(page, "the emails list");
    await shot(page, "en-emails");
    await page.click(`a[href='/emails/${facts.email_id}']`);
    const buckets = {};
    for (const name of ["delivered", "pending", "bounced", "not_sent"]) {
      buckets[name] = Number((await text(page, `[data-bucket=${name}]`)).replace(/,/g, ""));
    }
    const c = facts.counts;
    check(buckets.delivered === c.delivered && buckets.pending === c.pending && buckets.bounced === c.bounced &&
      buckets.not_sent === c.not_sent, "bucket counts equal the API's", JSON.stringify([buckets, c]));
    check((await page.locator("h1").innerText()) === facts.email_subject, "the subject shows as text", await page.locator("h1").innerText());
    check(await page.locator("main img").count() === 0 && await page.locator("main b").count() === 0,
      "markup in the subject stays inert");
    await axe(page, "an email");
    await shot(page, "en-email");

    // The bounces section: filter by reason, open a bounced recipient.
    await page.selectOption("select#reason", "UNKNOWN_USER");
    await Promise.all([page.waitForLoadState("load"), page.click("form.filters button[type=submit]")]);
    const listed = await page.locator("table.recipients tbody tr").count();
    check(listed === facts.unknown.length, "the bounces filter by reason", listed);
    await page.click(`a:text("${facts.unknown[0]}")`);
    const response = await text(page, "dd.response");
    check(response.includes("5.1.1") && response.includes("User unknown"), "a recipient shows the server's response", response);
    check((await page.locator("ul.evidence li").count()) > 0, "and the evidence");
    await axe(page, "a recipient");
    await shot(page, "en-recipient");
    await page.click("a[href^='/bounces/']");
    check((await page.locator("pre.raw").innerText()).includes("Status: 5.1.1") ||
      (await page.locator("pre.raw").innerText()).includes("550"), "view source shows the raw message");

    // The DSN with markup in its diagnostic, on the recipient and the contact.
    await page.goto(base + "/contacts/" + encodeURIComponent(facts.spam_contact));
    const timeline = await page.locator("ol.timeline").innerText();
    check(timeline.includes(facts.hostile_diagnostic), "a hostile diagnostic shows as text", timeline);
    const scripts = await page.evaluate(() => [...document.scripts].map((s) => s.src || s.type));
    check(scripts.every((s) => s.endsWith("/assets/app.js") || s === "application/json"), "no script came from the diagnostic", JSON.stringify(scripts));

    // A hostile address, on the contacts list and its page.
    await page.goto(base + "/contacts?q=o");
    check((await page.locator("main").innerText()).includes(facts.hostile_address), "an address with & and ' shows as text");
    await page.click(`a:text("${facts.hostile_address}")`);
    check((await page.locator("h1").innerText()).includes(facts.hostile_address), "its page opens");
    await page.goto(base + "/contacts");
    await axe(page, "the contacts list");
    await shot(page, "en-contacts");

    // Unbounce an UNKNOWN_USER contact: the confirmation is required.
    await page.goto(base + "/contacts/" + encodeURIComponent(facts.unknown[0]));
    check((await page.locator("[data-status]").getAttribute("data-status")) === "hard", "the contact is hard-bounced");
    await axe(page, "a contact");
    await shot(page, "en-contact");
    await page.click("button[data-open=unbounce-dialog]");
    check(await page.locator("dialog#unbounce-dialog").isVisible(), "the unbounce dialog opens");
    await axe(page, "the unbounce dialog");
    await page.fill("dialog textarea[name=why]", "Their IT team allowlisted our IPs");
    // Sent without the confirmation (the browser would refuse it: the form is forced).
    await page.evaluate(() => document.querySelector("#confirm").removeAttribute("required"));
    await Promise.all([page.waitForLoadState("load"), page.click("dialog button[type=submit]")]);
    check((await page.locator("p.error").innerText()).includes("confirm"), "without the confirmation it is refused",
      await page.locator("main").innerText());
    check((await page.locator("[data-status]").getAttribute("data-status")) === "hard", "and nothing changed");
    await page.click("button[data-open=unbounce-dialog]");
    await page.fill("dialog textarea[name=why]", "Their IT team allowlisted our IPs");
    await page.check("#confirm");
    await Promise.all([page.waitForLoadState("load"), page.click("dialog button[type=submit]")]);
    check((await page.locator("[data-status]").getAttribute("data-status")) === "none" &&
      (await page.locator("[data-eligible]").getAttribute("data-eligible")) === "yes", "unbounced: eligible again");
    check((await page.locator("p.notice").innerText()).length > 0, "and told so");

    // A GLOBAL contact: only the operator can lift it, and the dialog says so.
    await page.goto(base + "/contacts/" + encodeURIComponent(facts.global_contact));
    check((await page.locator("[data-status]").getAttribute("data-status")) === "global", "the GLOBAL contact shows as such");
    await page.click("button[data-open=unbounce-dialog]");
    const why = await page.locator("dialog#unbounce-dialog").innerText();
    check(why.includes("operator") && (await page.locator("dialog textarea").count()) === 0,
      "the dialog explains that only the operator can lift it", why);
    await page.keyboard.press("Escape");

    // Suppressions: the CSV export equals the API's (taken before the
    // unbounce above, so the unbounced contact is left out of the compare).
    await page.goto(base + "/suppressions");
    await axe(page, "the suppressions");
    await shot(page, "en-suppressions");
    const csv = await page.evaluate(async () => (await fetch("/suppressions.csv")).text());
    const rows = (s) => s.trim().split("\n").slice(1).filter((l) => !l.startsWith(facts.unknown[0] + ",")).sort();
    const ui = rows(csv);
    const api = rows(facts.suppressions_csv);
    check(JSON.stringify(ui) === JSON.stringify(api) && ui.length >= 3, "the CSV export equals the API's",
      JSON.stringify([ui, api]));

    // Settings: a key shown once.
    await page.goto(base + "/settings");
    await axe(page, "the settings");
    await shot(page, "en-settings");
    const settingsHtml = await page.content();
    check(settingsHtml.includes("ann.sales@acme.example") && !settingsHtml.includes("not-shown"),
      "the connected inbox is listed with its state, never its password");
    await page.fill("#key-name", "reporting");
    await Promise.all([page.waitForLoadState("load"), page.click("form[action='/settings/keys'] button")]);
    const key = await text(page, "[data-secret]");
    check(key.startsWith("rbk_"), "a new key is shown once", key);
    await page.goto(base + "/settings");
    check(!(await page.content()).includes(key), "and never again");

    // A change without the CSRF token is refused.
    const refused = await page.evaluate(async () => {
      const r = await fetch("/suppressions", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "address=csrf-victim%40test.example&why=forged" });
      return r.status;
    });
    check(refused === 403, "a POST without the CSRF token is refused", refused);

    // Japanese: the product's terms on the same pages.
    await page.click("a.lang");
    check((await page.getAttribute("html", "lang")) === "ja", "switched to Japanese");
    await page.goto(base + `/emails/${facts.email_id}`);
    let ja = await page.locator("body").innerText();
    const options = await page.evaluate(() => [...document.querySelectorAll("option")].map((o) => o.textContent).join(" "));
    for (const term of ["ハードバウンス", "ソフトバウンス", "不明なユーザー", "受信トレイがいっぱいです", "コンテンツ", "スパム", "ポリシー", "その他"]) {
      check(ja.includes(term) || options.includes(term), `the email page says ${term}`);
    }
    await shot(page, "ja-email");
    await page.goto(base + `/emails/${facts.email_id}?bucket=pending`);
    ja = await page.locator("body").innerText();
    check(ja.includes("保留バウンス"), "a deferred recipient is 保留バウンス");
    await page.goto(base + "/contacts/" + encodeURIComponent(facts.global_contact));
    ja = await page.locator("body").innerText();
    check(ja.includes("グローバルバウンス") && ja.includes("バウンスを解除"), "the GLOBAL contact in Japanese");
    check(/\d{4}年\d{1,2}月\d{1,2}日/.test(ja), "dates are written the Japanese way");
    await axe(page, "a contact, in Japanese");
    await shot(page, "ja-contact");
    for (const [url, name] of [["/dashboard", "ja-dashboard"], ["/contacts", "ja-contacts"], ["/suppressions", "ja-suppressions"], ["/settings", "ja-settings"], ["/emails", "ja-emails"]]) {
      await page.goto(base + url);
      if (url === "/dashboard") await page.waitForFunction(() => window.Chart !== undefined);
      await shot(page, name);
    }
    await axe(page, "the emails list, in Japanese");
    await page.click("a.lang");
    check((await page.getAttribute("html", "lang")) === "en", "and back to English");

    // Sign out.
    await Promise.all([page.waitForLoadState("load"), page.click("form[action='/logout'] button")]);
    check(page.url().endsWith("/login"), "signed out");
    check((await status(page, "/contacts")) === 200 && page.url().includes("/login"), "and the pages ask to sign in again");

    // Another account's user sees none of acme's pages.
    await signIn(page, facts.bob, facts.password);
    for (const url of ["/contacts/" + encodeURIComponent(facts.unknown[1]), `/emails/${facts.email_id}`,
      `/emails/${facts.email_id}/recipients/1`, `/bounces/${facts.acme_bounce}/raw`]) {
      const st = await status(page, url);
      check(st === 404 && (await page.locator("h1").innerText()) === "Not found", `another account's ${url} is not found`, st);
    }
    check((await status(page, "/contacts/nobody%40nowhere.example")) === 404, "exactly like a missing one");
    check((await status(page, "/operator/global")) === 404, "an account's user has no operator pages");
    await Promise.all([page.waitForLoadState("load"), page.click("form[action='/logout'] button")]);

    // The operator: global bounces with the number of accounts, never which.
    await signIn(page, facts.eve, facts.password);
    check(page.url().endsWith("/operator/accounts"), "the operator lands on the accounts");
    await axe(page, "the operator's accounts");
    await shot(page, "en-operator-accounts");
    await page.goto(base + "/operator/global");
    const g = await page.locator("main").innerText();
    check(g.includes(facts.global_contact) && /\b3\b/.test(g), "global bounces with their count of accounts", g);
    await axe(page, "the operator's global bounces");
    await shot(page, "en-operator-global");
    await Promise.all([page.waitForLoadState("load"), page.click("form[action='/logout'] button")]);

    // Wrong passwords are slowed down.
    const attempts = [];
    for (let i = 0; i < 7; i += 1) {
      await page.goto(base + "/login");
      await page.fill("input[name=email]", facts.bob);
      await page.fill("input[name=password]", i < 6 ? "wrong password " + i : facts.password);
      const [resp] = await Promise.all([page.waitForResponse((r) => r.url().endsWith("/login") && r.request().method() === "POST"),
        page.click("form[action='/login'] button[type=submit]")]);
      attempts.push(resp.status());
    }
    check(attempts.slice(0, 5).every((s) => s === 401) && attempts[5] === 429 && attempts[6] === 429,
      "after five wrong passwords, attempts wait (even the right one)", JSON.stringify(attempts));
    check((await page.locator("p.error").innerText()).includes("seconds"), "and the page says how long");

    check(alerts.length === 0, "no script ran from the data", JSON.stringify(alerts));
    check(external.length === 0, "the UI loads nothing from another host", JSON.stringify(external));
    const mobile = await browser.newContext({ viewport: { width: 375, height: 740 }, locale: "en-US" });
    const phone = await mobile.newPage();
    await signIn(phone, facts.ann, facts.password);
    await phone.goto(base + `/emails/${facts.email_id}`);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, "an email's page fits a phone's width", overflow);
    await shot(phone, "en-email-phone");
    await mobile.close();
  } catch (e) {
    check(false, "the walk finished", e.stack || e);
  }
  await browser.close();
  process.exit(failed ? 1 : 0);
})();
