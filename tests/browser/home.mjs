// home.mjs: the home pages of staff and of a consulting agency in Debian's
// chromium (headless, through playwright-core), at 1280 and at 390 px:
//   - staff sign in, find the overdue audits on the home page and open
//     one: its page has the breadcrumbs 首页 › 审核 › its name;
//   - staff's indexing queue shows a failed document with its reason and
//     its 重试 button in sight;
//   - an agency signs in and sees its clients' audits with their
//     deadlines and checklists;
//   - the header menu is open at 1280 px and folds behind 菜单 at 390 px,
//     which opens it without script;
//   - no page is wider than the window, and axe-core finds no serious or
//     critical accessibility violation on any page visited.
//
// Run by tests/t0027-browser-home.sh. Input from the environment:
//   BASE       http://127.0.0.1:PORT of the instance
//   PASSWORD   the password of both users
//   STAFF      a staff user's name
//   AGENCY     an agency user's name
//   CLIENT     the name of one of the agency's client enterprises
//   OUT        a directory for the screenshots and browser profiles
//   AXE        axe.min.js (tests/browser/node_modules/axe-core)
//   CHROMIUM   the browser (default /usr/bin/chromium)
//
// Output as search.mjs's: "PLAN n" first, then one "PASS description" or
// "FAIL description: why" per check, "#" comments. Every check is reported
// whether it runs or not (a failed gate reports the rest of its run as
// not run), so the shell can count them against the plan. Exit status 0
// means the script ran to its end.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { check, resume } from './harness.mjs';

const env = process.env;
for (const v of ['BASE', 'PASSWORD', 'STAFF', 'AGENCY', 'CLIENT', 'OUT', 'AXE']) {
	if (!env[v]) {
		console.log(`FAIL the environment gives ${v}`);
		process.exit(2);
	}
}
const { BASE, PASSWORD, STAFF, AGENCY, CLIENT, OUT, AXE } = env;
const WIDTHS = [1280, 390];
// Checks per run; the plan is their sum over the widths, plus the last ones.
const STAFF_CHECKS = 12, AGENCY_CHECKS = 7, MENU_CHECKS = 2, FINAL_CHECKS = 2;
console.log(`PLAN ${WIDTHS.length * (STAFF_CHECKS + AGENCY_CHECKS + MENU_CHECKS) + FINAL_CHECKS}`);


const consoleErrors = [], failedRequests = [];
const browser = await chromium.launch({
	executablePath: env.CHROMIUM || '/usr/bin/chromium',
	headless: true,
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	timeout: 15000,
}).catch((e) => {
	console.log(`FAIL chromium starts: ${String(e && e.message || e).split('\n')[0]}`);
	process.exit(1);
});

// A fresh context (no cookies) at width w. axe is injected as a script tag,
// which the pages' CSP (default-src 'self') would refuse: bypassCSP lets
// the test's own script in, and nothing else changes.
async function newPage(w, js = true) {
	const context = await browser.newContext({
		viewport: { width: w, height: 900 }, locale: 'zh-CN', bypassCSP: true, javaScriptEnabled: js,
	});
	context.setDefaultTimeout(5000);
	context.setDefaultNavigationTimeout(10000);
	const page = await context.newPage();
	page.on('console', (m) => {
		if (m.type() === 'error')
			consoleErrors.push(`${m.text()} (${m.location().url})`);
	});
	page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
	page.on('requestfailed', (r) => failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`));
	page.on('response', (r) => {
		if (r.status() >= 400)
			failedRequests.push(`${r.url()}: HTTP ${r.status()}`);
	});
	return page;
}

async function signIn(page, name) {
	await page.goto(BASE + '/login');
	await page.locator('section.login input[name=name]').fill(name);
	await page.locator('section.login input[name=password]').fill(PASSWORD);
	await Promise.all([page.waitForURL((u) => u.pathname === '/'),
		page.locator('section.login button[type=submit]').click()]);
	const user = await page.locator('nav.user a[href="/account"]').innerText();
	return user.trim() === name || `signed in as ${JSON.stringify(user)}`;
}

async function screenshot(page, name) {
	const file = path.join(OUT, name);
	try {
		await page.screenshot({ path: file, fullPage: true });
		console.log(`# screenshot: ${file}`);
	} catch (e) {
		console.log(`# no screenshot ${file}: ${String(e && e.message || e).split('\n')[0]}`);
	}
}

// Serious and critical axe violations on the page, as "rule (n nodes)".
async function axeSerious(page) {
	await page.addScriptTag({ path: AXE });
	const found = await page.evaluate(async () => {
		const res = await window.axe.run(document, { resultTypes: ['violations'] });
		return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
			.map((v) => `${v.id} (${v.nodes.length}: ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')})`);
	});
	return found.length === 0 || found.join('; ');
}

async function noOverflow(page) {
	const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
	return sw <= iw || `the page is ${sw} px wide in a ${iw} px window`;
}

for (const w of WIDTHS) {
	// Staff: overdue audits from the home page, open one.
	resume();
	let page = await newPage(w);
	await check(`${w} px: staff signs in and lands on the home page`, () => signIn(page, STAFF), true);
	await check(`${w} px: staff's home page is titled 首页`, async () =>
		(await page.title()).startsWith('首页') || `title ${JSON.stringify(await page.title())}`);
	const overdue = page.locator('section.home-due ul.items.late a[href^="/audits/"]');
	await check(`${w} px: the home page lists overdue audits by sector`, async () =>
		await page.locator('section.home-due h3', { hasText: '服务业' }).isVisible() &&
		await overdue.count() > 0 || `${await overdue.count()} overdue audit links`, true);
	await check(`${w} px: the overdue audits are visible without scrolling sideways`, async () =>
		await overdue.first().isVisible());
	await check(`${w} px: the indexing queue shows the failed document with its 重试 button`, async () => {
		const row = page.locator('section.home-queue tr', { hasText: '损坏的文件' });
		return await row.locator('button', { hasText: '重试' }).isVisible() &&
			(await row.innerText()).includes('PDF') || `the row says ${JSON.stringify(await row.innerText())}`;
	});
	await check(`${w} px: no horizontal overflow on staff's home page`, () => noOverflow(page));
	await screenshot(page, `home-staff-${w}.png`);
	await check(`${w} px: axe finds nothing serious on staff's home page`, () => axeSerious(page));
	let name = '';
	await check(`${w} px: clicking an overdue audit opens its page`, async () => {
		name = (await overdue.first().innerText()).trim();
		const href = await overdue.first().getAttribute('href');
		await Promise.all([page.waitForURL((u) => u.pathname === href), overdue.first().click()]);
		const h1 = (await page.locator('main h1').innerText()).trim();
		return h1 === name || `h1 is ${JSON.stringify(h1)}, the link said ${JSON.stringify(name)}`;
	}, true);
	await check(`${w} px: the audit page has the breadcrumbs 首页 › 审核 › its name`, async () => {
		const crumbs = (await page.locator('nav.crumbs li').allInnerTexts()).map((t) => t.trim());
		return JSON.stringify(crumbs) === JSON.stringify(['首页', '审核', name]) || `crumbs ${JSON.stringify(crumbs)}`;
	});
	await check(`${w} px: no horizontal overflow on the audit page`, () => noOverflow(page));
	await screenshot(page, `audit-staff-${w}.png`);
	await check(`${w} px: axe finds nothing serious on the audit page`, () => axeSerious(page));
	await check(`${w} px: the breadcrumb 首页 leads back home`, async () => {
		await Promise.all([page.waitForURL((u) => u.pathname === '/'),
			page.locator('nav.crumbs a[href="/"]').click()]);
		return true;
	});
	await page.context().close();

	// Agency: its clients' audits with deadlines and checklists.
	resume();
	page = await newPage(w);
	await check(`${w} px: the agency signs in`, () => signIn(page, AGENCY), true);
	const card = page.locator('section.home-cases li.case', { hasText: CLIENT }).first();
	await check(`${w} px: the agency's home page shows its client ${CLIENT}'s audit`, async () =>
		await card.isVisible(), true);
	await check(`${w} px: with the audit's state, next step and deadline`, async () => {
		const text = await card.innerText();
		return /状态：\S+/.test(text) && /下一步：.+截止 \d{4}-\d{2}-\d{2}/.test(text) ||
			`the card says ${JSON.stringify(text.slice(0, 200))}`;
	});
	await check(`${w} px: and its checklist and an upload link for the case`, async () =>
		await card.locator('ul.checklist li').count() > 0 &&
		/^\/upload\?case=audit%3A/.test(await card.locator('a.upload').getAttribute('href')));
	await check(`${w} px: the year's deadlines are listed`, async () =>
		await page.locator('section.home-deadlines li').count() === 5);
	await check(`${w} px: no horizontal overflow on the agency's home page`, () => noOverflow(page));
	await screenshot(page, `home-agency-${w}.png`);
	await check(`${w} px: axe finds nothing serious on the agency's home page`, () => axeSerious(page));
	await page.context().close();

	// The menu, without script: open at 1280 px, behind 菜单 at 390 px.
	resume();
	page = await newPage(w, false);
	await page.goto(BASE + '/');
	const link = page.locator('nav.menu a[href="/typical-units"]');
	const summary = page.locator('nav.menu summary');
	if (w >= 768) {
		await check(`${w} px: the menu's links show without opening anything`, async () =>
			await link.isVisible() || 'the 典型单位 link is hidden');
		await check(`${w} px: and 菜单 is not shown`, async () => !(await summary.isVisible()));
	} else {
		await check(`${w} px: the menu is folded behind 菜单`, async () =>
			await summary.isVisible() && !(await link.isVisible()) || 'the links show, or 菜单 does not');
		await check(`${w} px: 菜单 opens it without script`, async () => {
			await summary.click();
			return await link.isVisible() || 'the 典型单位 link stays hidden';
		});
	}
	await page.context().close();
}

resume();
await check('no console errors', async () => consoleErrors.length === 0 || consoleErrors.slice(0, 3).join('; '));
await check('no failed requests', async () => failedRequests.length === 0 || failedRequests.slice(0, 3).join('; '));
await browser.close();
