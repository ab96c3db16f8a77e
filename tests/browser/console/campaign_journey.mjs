// An organizer's campaign in real Chromium (playwright-core over /usr/bin/chromium), driven by
// tests/integration/test_console_browser.py: log in with TOTP; create a petition in the console; two
// supporters sign it on its hosted page; the organizer unsubscribes one of them from their person page;
// compose an email to the petition's signers; the preflight leaves the unsubscribed signer out with the
// gate's reason and names them in the drill-down; Send; watch it finish; read the statistics.
// Prints one JSON object of observations; the Python test decides pass or fail.
//   node campaign_journey.mjs CONFIG_JSON
// CONFIG_JSON: {base, shots, owner: {email, password, secret}, signers: [{name, email}, {name, email}],
//               fromAddress, subject}
import { chromium } from "playwright-core";
import { axe, totp } from "./console_support.mjs";

const cfg = JSON.parse(process.argv[2]);

async function submit(page, name) {
  const [resp] = await Promise.all([page.waitForNavigation(), page.getByRole("button", { name }).click()]);
  return resp;
}

const out = { axe: {} };
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  const page = await (await browser.newContext()).newPage();
  await page.goto(cfg.base + "/admin/login");
  await page.getByLabel("Email").fill(cfg.owner.email);
  await page.getByLabel("Password").fill(cfg.owner.password);
  await page.getByLabel("Code from your authenticator app").fill(totp(cfg.owner.secret));
  await submit(page, "Log in");

  // Create the petition from the Actions screen.
  await page.getByRole("link", { name: "Actions" }).click();
  await page.waitForURL(cfg.base + "/admin/actions");
  out.axe.actions = await axe(page);
  await page.screenshot({ path: `${cfg.shots}/actions.png`, fullPage: true });
  await page.getByLabel("Kind").selectOption("petitions");
  await page.getByLabel("Title").fill("Clean Water Now");
  await page.getByLabel(/^Description/).fill("Tell the council to fund the treatment plant.");
  await submit(page, "Create");
  out.actionUrl = page.url();
  out.actionHeading = await page.getByRole("heading", { level: 1 }).textContent();
  out.pageLink = await page.locator("#page-link").getAttribute("href");
  // The hosted page as a visitor sees it, in the screen's sandboxed preview frame.
  out.previewHeading = await page.frameLocator("#page-preview").getByRole("heading", { level: 1 }).textContent();
  out.previewSignButtons = await page.frameLocator("#page-preview").getByRole("button", { name: "Sign", exact: true }).count();
  out.axe.action = await axe(page);
  await page.screenshot({ path: `${cfg.shots}/action.png`, fullPage: true });

  // Two supporters sign on the hosted page, each in a browser of their own.
  for (const s of cfg.signers) {
    const supporter = await (await browser.newContext()).newPage();
    await supporter.goto(out.pageLink);
    await supporter.getByLabel("Full name", { exact: true }).fill(s.name);
    await supporter.getByLabel("Email", { exact: true }).fill(s.email);
    await Promise.all([
      supporter.waitForNavigation(),
      supporter.getByRole("button", { name: "Sign", exact: true }).click(),
    ]);
    (out.signedUrls ||= []).push(supporter.url());
    await supporter.context().close();
  }
  await page.reload();
  out.recordCount = await page.locator("#record-count").textContent();

  // The second signer asked to stop: unsubscribe them from their person page (opened from the records list).
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: cfg.signers[1].name }).click()]);
  await submit(page, "Unsubscribe from email");

  // Compose an email to everyone who signed.
  await page.getByRole("link", { name: "Messages" }).click();
  await page.waitForURL(cfg.base + "/admin/messages");
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "New email" }).click()]);
  await page.getByLabel(/^Name/).fill("Water update");
  await page.getByLabel("Subject").fill(cfg.subject);
  await page.getByLabel("From (display name)").fill("Friends of the Bay");
  await page.getByLabel("From address").fill(cfg.fromAddress);
  await page.getByLabel("Reply-to address").fill(cfg.fromAddress);
  await page.getByLabel(/^Body/).fill("<p>Thank you for signing, {{given_name}}.</p>");
  await page.getByLabel(/Everyone who took part in: Clean Water Now/).check();
  out.axe.compose = await axe(page);
  await page.screenshot({ path: `${cfg.shots}/compose.png`, fullPage: true });
  await submit(page, "Save draft and see who it reaches");
  out.messageUrl = page.url();
  out.targeted = await page.locator("#pf-targeted").textContent();
  out.sendable = await page.locator("#pf-sendable").textContent();
  // The email as the sample supporter gets it, rendered by Chromium inside its sandboxed frame.
  out.previewText = await page.frameLocator("#email-preview").locator("body").textContent();
  out.excludedRow = await page.locator("#reason-not_subscribed").textContent();
  out.axe.preflight = await axe(page);
  await page.screenshot({ path: `${cfg.shots}/preflight.png`, fullPage: true });
  // Drill down to the names the rule leaves out.
  await Promise.all([page.waitForNavigation(), page.locator("#reason-not_subscribed a").click()]);
  out.drilled = await page.locator("#drill + ul").textContent();
  await page.screenshot({ path: `${cfg.shots}/preflight-drill.png`, fullPage: true });

  // Send, then watch it finish.
  await submit(page, /^Send to 1 now/);
  out.afterSendUrl = page.url();
  for (let i = 0; i < 60; i++) {
    out.status = (await page.locator("#message-status").textContent()).trim();
    if (out.status.startsWith("sent")) break;
    await page.waitForTimeout(500);
    await page.reload();
  }
  out.statSent = await page.locator("#st-sent").textContent();
  out.statsText = await page.locator("#stats").locator("xpath=..").textContent();
  out.axe.statistics = await axe(page);
  await page.setViewportSize({ width: 375, height: 800 });
  out.narrowOverflow = await page.evaluate(() => document.documentElement.scrollWidth > 375);
  await page.screenshot({ path: `${cfg.shots}/statistics.png`, fullPage: true });
  await page.goto(cfg.base + "/admin/messages");
  out.axe.messages = await axe(page);
  await page.screenshot({ path: `${cfg.shots}/messages.png`, fullPage: true });
  // A text's compose screen counts segments while typing (web/admin/segment_counter.h), as the first text of
  // a blast is sent: the brand before the text and the opt-out line after it.
  await page.goto(cfg.base + "/admin/messages/new?channel=sms");
  out.brand = await page.locator("#body").getAttribute("data-brand");
  out.segmentCounts = [];
  for (const body of cfg.smsBodies) {
    await page.locator("#body").fill(body);
    out.segmentCounts.push(await page.locator("#segment-count").getAttribute("data-segments"));
  }
  out.segmentText = await page.locator("#segment-count").textContent();
  out.axe.composeText = await axe(page);
  await page.screenshot({ path: `${cfg.shots}/compose-text.png`, fullPage: true });
  // Settings: the domain's DNS record; create an API key, shown once.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole("link", { name: "Settings" }).click();
  await page.waitForURL(cfg.base + "/admin/settings");
  out.axe.settings = await axe(page);
  await submit(page, "Create an API key");
  out.newKey = await page.locator("#new-key-secret").textContent();
  out.axe.newKey = await axe(page);
  await page.screenshot({ path: `${cfg.shots}/settings.png`, fullPage: true });
} catch (e) {
  out.error = String((e && e.stack) || e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
