// The console in real Chromium (playwright-core over the system's /usr/bin/chromium), driven by
// tests/integration/test_console_browser.py, which starts the server and creates the accounts with the CLI.
// Prints one JSON object of observations; the Python test decides pass or fail.
//   node console_journey.mjs CONFIG_JSON
// CONFIG_JSON: {base, shots, personName, owner: {email, password, secret}, viewer: {...}, locked: {...}}
import { chromium } from "playwright-core";
import { axe, totp } from "./console_support.mjs";

const cfg = JSON.parse(process.argv[2]);

async function login(page, who, { password = who.password, code = totp(who.secret) } = {}) {
  await page.goto(cfg.base + "/admin/login");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(password);
  await page.getByLabel("Code from your authenticator app").fill(code);
  const [resp] = await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Log in" }).click()]);
  return resp;
}

const out = {};
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  // The owner logs in with TOTP and sees the dashboard, at phone width too.
  const owner = await (await browser.newContext()).newPage();
  await owner.goto(cfg.base + "/admin/login");
  out.loginAxe = await axe(owner);
  await owner.screenshot({ path: `${cfg.shots}/login.png`, fullPage: true });
  await login(owner, cfg.owner);
  out.ownerUrl = owner.url();
  out.ownerHeading = await owner.getByRole("heading", { level: 1 }).textContent();
  out.peopleCount = await owner.locator("#people-count").textContent();
  out.blocked = await owner.getByRole("heading", { name: "Sending is blocked" }).count();
  out.dashboardAxe = await axe(owner);
  await owner.screenshot({ path: `${cfg.shots}/dashboard.png`, fullPage: true });
  await owner.setViewportSize({ width: 375, height: 800 });
  out.narrowOverflow = await owner.evaluate(() => document.documentElement.scrollWidth > 375);
  await owner.screenshot({ path: `${cfg.shots}/dashboard-375.png`, fullPage: true });
  const team = await owner.goto(cfg.base + "/admin/team");
  out.ownerTeamStatus = team.status();
  out.teamAxe = await axe(owner);
  await owner.screenshot({ path: `${cfg.shots}/team.png`, fullPage: true });
  // Invite a colleague: A has no verified sending domain, so the gate refuses and the team page says why.
  await owner.locator("#invite-email").fill("new-organizer@example.org");
  await owner.locator("#invite-role").selectOption("organizer");
  await Promise.all([owner.waitForNavigation(), owner.getByRole("button", { name: "Send invitation" }).click()]);
  out.inviteError = await owner.locator("#invite-error").textContent();
  out.inviteAxe = await axe(owner);
  await owner.screenshot({ path: `${cfg.shots}/team-invite.png`, fullPage: true });
  // People: search by address (a posted form: the address never appears in a URL).
  await owner.goto(cfg.base + "/admin/people");
  await owner.getByLabel(/Email, phone/).fill("s@example.org");
  await Promise.all([owner.waitForNavigation(), owner.getByRole("button", { name: "Search" }).click()]);
  out.peopleUrl = owner.url();
  out.peopleResult = await owner.locator("#results").textContent();
  out.peopleAxe = await axe(owner);
  await owner.screenshot({ path: `${cfg.shots}/people.png`, fullPage: true });
  // Open the person from the results: fields, the consent timeline, and Verify (still at 375 px).
  await Promise.all([owner.waitForNavigation(), owner.getByRole("link", { name: cfg.personName }).click()]);
  out.personUrl = owner.url();
  out.personHeading = await owner.getByRole("heading", { level: 1 }).textContent();
  out.timelineHeadings = await owner.getByRole("heading", { name: "Consent timeline" }).count();
  out.timelineEntries = await owner.locator("ol.timeline > li").count();
  out.timelineText = await owner.locator("ol.timeline").first().textContent();
  out.personAxe = await axe(owner);
  await owner.screenshot({ path: `${cfg.shots}/person.png`, fullPage: true });
  await Promise.all([owner.waitForNavigation(), owner.getByRole("button", { name: "Verify" }).click()]);
  out.verifyUrl = owner.url();
  out.chainResult = await owner.locator("#chain-result").textContent();
  out.verifyAxe = await axe(owner);
  out.personOverflow = await owner.evaluate(() => document.documentElement.scrollWidth > 375);
  await owner.screenshot({ path: `${cfg.shots}/person-verified.png`, fullPage: true });
  // Tag the person from the page: pick the tag by its label, submit, and read the page it returns to.
  await owner.getByLabel("Add a tag").selectOption({ label: cfg.tagName });
  await Promise.all([owner.waitForNavigation(), owner.getByRole("button", { name: "Add tag" }).click()]);
  out.taggedUrl = owner.url();
  out.tagsText = await owner.locator("#tags li").evaluateAll((lis) => lis.map((li) => li.firstChild.textContent.trim()));
  out.tagFormsLeft = await owner.getByRole("button", { name: "Add tag" }).count();
  // Take it off again with its own Remove button (named after the tag for a screen reader).
  await Promise.all([owner.waitForNavigation(),
    owner.getByRole("button", { name: `Remove the tag ${cfg.tagName}` }).click()]);
  out.tagsAfterRemove = (await owner.locator("#tags").textContent()).trim();
  out.tagFormsAfterRemove = await owner.getByRole("button", { name: "Add tag" }).count();
  // Correct the given name in its labelled field and add a custom field; the heading shows the new name.
  await owner.getByLabel("Given name").fill("Samuel");
  await owner.getByLabel("New custom field").fill("t-shirt size");
  await owner.getByLabel("Its value").fill("L");
  await Promise.all([owner.waitForNavigation(), owner.getByRole("button", { name: "Save fields" }).click()]);
  out.renamedHeading = await owner.getByRole("heading", { level: 1 }).textContent();
  out.customFieldValue = await owner.getByLabel("t-shirt size").inputValue();
  const cookies = await owner.context().cookies();
  const session = cookies.find((c) => c.name === "tocsin_staff");
  out.sessionCookie = session && { httpOnly: session.httpOnly, sameSite: session.sameSite, path: session.path };
  out.scriptCanReadSession = await owner.evaluate(() => document.cookie.includes("tocsin_staff"));
  // Log out with the button: the session ends.
  await owner.goto(cfg.base + "/admin");
  await Promise.all([owner.waitForNavigation(), owner.getByRole("button", { name: "Log out" }).click()]);
  out.afterLogout = owner.url();
  await owner.goto(cfg.base + "/admin");
  out.afterLogoutDashboard = owner.url();

  // A viewer cannot reach the owner-only page, and is not offered it.
  const viewer = await (await browser.newContext()).newPage();
  await login(viewer, cfg.viewer);
  out.viewerTeamLinks = await viewer.getByRole("link", { name: "Team" }).count();
  const forbidden = await viewer.goto(cfg.base + "/admin/team");
  out.viewerTeamStatus = forbidden.status();
  out.viewerTeamText = await viewer.getByRole("alert").textContent();
  out.forbiddenAxe = await axe(viewer);

  // Five wrong passwords lock the account; then the right password and code are refused too.
  const locked = await (await browser.newContext()).newPage();
  out.wrongStatuses = [];
  for (let i = 0; i < 5; i++) {
    const r = await login(locked, cfg.locked, { password: "not the password at all" });
    out.wrongStatuses.push(r.status());
  }
  const right = await login(locked, cfg.locked);
  out.lockedRightStatus = right.status();
  out.lockedText = await locked.locator("#login-error").textContent();
  await locked.screenshot({ path: `${cfg.shots}/locked.png`, fullPage: true });
} catch (e) {
  out.error = String((e && e.stack) || e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
