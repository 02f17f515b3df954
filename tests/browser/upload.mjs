// upload.mjs: the upload page with JavaScript, in Debian's chromium (headless,
// through playwright-core), as an enterprise user uses it.
//
// Run by tests/t0030-browser-upload.sh, which starts the instance (with a
// small upload limit), creates the user and its audit. The script signs in,
// then at 1280 px opens /upload?case=CASE (the audit preselected), drops two
// PDFs on the drop zone (a real drop event carrying a DataTransfer), watches
// each line's progress bar and state until both say 已索引 with a link,
// drops a file over the limit (an inline Chinese error, the other lines
// untouched), a gzip archive (stored, then 失败 with the reason in Chinese)
// and one of the PDFs again (已在门户中, linking the document it
// already is). At 390 px it chooses two other PDFs through the drop zone's
// file input and watches them reach 已索引; the page must not scroll
// sideways; an upload cut off on the way shows an inline error and its
// 重试 button sends it again. At both widths: a screenshot, and axe-core
// finds no serious or critical violation.
//
// Input from the environment:
//   BASE, OUT, CHROMIUM  as in search.mjs
//   USER, PASSWORD       the enterprise user
//   CASE, CASE_TITLE     its audit ("audit:ID") and the audit's name
//   PDFS                 four PDF paths, separated by newlines
//   BIG                  a file over the upload limit
//   GZ                   a gzip archive (stored, then refused by the indexer)
//   AXE                  axe-core's axe.min.js
//
// Output: "PASS description" / "FAIL description: why" per check, "#"
// comments; the same number of check lines whatever happens (see
// search.mjs). Exit status 0: the script ran to its end.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { check, expect, halted, resume } from './harness.mjs';

const env = process.env;
for (const v of ['BASE', 'OUT', 'USER', 'PASSWORD', 'CASE', 'CASE_TITLE', 'PDFS', 'BIG', 'GZ', 'AXE']) {
	if (!env[v]) {
		console.log(`FAIL the environment gives ${v}`);
		process.exit(2);
	}
}
const { BASE, OUT, USER, PASSWORD, CASE, CASE_TITLE, BIG, GZ, AXE } = env;
const PDFS = env.PDFS.split('\n').filter(Boolean);
const WAIT = { timeout: 90000 };	// indexing a PDF: a generous bound, never asserted on


const profile = path.join(OUT, 'chromium-profile-upload');
fs.mkdirSync(profile, { recursive: true });
let context;
try {
	context = await chromium.launchPersistentContext(profile, {
		executablePath: env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
		viewport: { width: 1280, height: 900 },
		locale: 'zh-CN',
		timeout: 15000,
	});
} catch (e) {
	console.log(`FAIL chromium starts: ${String(e && e.message || e).split('\n')[0]}`);
	process.exit(1);
}
context.setDefaultTimeout(5000);
context.setDefaultNavigationTimeout(10000);

const consoleErrors = [], failedRequests = [];
context.on('console', (m) => {
	if (m.type() === 'error')
		consoleErrors.push(`${m.text()} (${m.location().url})`);
});
context.on('weberror', (e) => consoleErrors.push(`uncaught: ${e.error().message}`));
context.on('requestfailed', (r) => failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`));
context.on('response', (r) => {
	if (r.status() >= 400)
		failedRequests.push(`${r.url()}: HTTP ${r.status()}`);
});

const page = context.pages()[0] || await context.newPage();
const screenshot = async (name) => {
	if (halted())
		return;
	const file = path.join(OUT, name);
	try {
		await page.screenshot({ path: file, fullPage: true });
		console.log(`# screenshot: ${file}`);
	} catch (e) {
		console.log(`# no screenshot ${file}: ${String(e && e.message || e).split('\n')[0]}`);
	}
};
const list = page.locator('ul.upload-list');
// The line of the file named name (the last one: a file sent again gets a new line).
const line = (name) => list.locator('li.file', { has: page.locator('span.name', { hasText: name }) }).last();

// Drop files on the drop zone as a person's drag does: a drop event whose
// DataTransfer carries them, built in the page from the files' bytes.
async function drop(files) {
	const payload = files.map((f) => ({ name: path.basename(f), b64: fs.readFileSync(f).toString('base64') }));
	await page.evaluate((items) => {
		const dt = new DataTransfer();
		for (const it of items) {
			const bin = atob(it.b64), bytes = new Uint8Array(bin.length);
			for (let i = 0; i < bin.length; i++)
				bytes[i] = bin.charCodeAt(i);
			dt.items.add(new File([bytes], it.name));
		}
		const zone = document.querySelector('.dropzone');
		for (const type of ['dragenter', 'dragover', 'drop'])
			zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
	}, payload);
}

// Each file reaches 已索引 with a link to its document; returns the ids.
async function indexed(files) {
	const ids = [];
	for (const f of files) {
		const li = line(path.basename(f));
		await li.locator('span.state', { hasText: /^(已索引|失败)/ }).waitFor(WAIT);
		const state = (await li.locator('span.state').innerText()).trim();
		if (state !== '已索引')
			throw new Error(`${path.basename(f)}: ${state}`);
		const href = await li.locator('a.doc').getAttribute('href');
		if (!/^\/documents\/[a-z0-9]+$/.test(href || ''))
			throw new Error(`${path.basename(f)}: link ${href}`);
		ids.push(href.split('/').pop());
	}
	return ids;
}

// axe-core's serious and critical violations on the page: true or why.
// The page's CSP (default-src 'self') refuses an added <script> tag, as it
// should; axe's source is evaluated through the debugging protocol instead.
const axeSource = fs.readFileSync(AXE, 'utf8');
async function axe() {
	await page.evaluate(axeSource);
	const found = await page.evaluate(async () => {
		const r = await window.axe.run(document, { resultTypes: ['violations'] });
		return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
			.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
	});
	return found.length === 0 || found.join('; ');
}

// ---- sign in -------------------------------------------------------------------------
await check('the enterprise user signs in', async () => {
	await page.goto(`${BASE}/login?next=${encodeURIComponent('/upload?case=' + CASE)}`);
	await page.locator('input[name=name]').fill(USER);
	await page.locator('input[name=password]').fill(PASSWORD);
	await Promise.all([page.waitForURL((u) => u.pathname === '/upload'), page.locator('form button[type=submit]').last().click()]);
	await page.waitForLoadState('load');
	return expect('title', await page.title(), '上传文档 · 清洁生产文档门户');
}, true);

// ---- 1280 px: drop, progress, 已索引, too large, duplicate -------------------------------------
await check('?case= preselects the audit, shown by its name', async () => {
	const sel = page.locator('select[name=case]');
	const v = await sel.inputValue();
	const label = (await sel.locator('option:checked').innerText()).trim();
	return v === CASE && label === CASE_TITLE || `selected ${v} "${label}"`;
}, true);
await check('with JavaScript the drop zone invites a drop or a click, no submit button', async () =>
	await page.locator('.dropzone').isVisible() &&
	(await page.locator('.dropzone label').innerText()).includes('拖放文件到这里，或点击选择文件') &&
	!(await page.locator('form.upload-form button[type=submit]').isVisible()) || 'drop zone or button wrong');
await check('dropping two PDFs gives each a line with a progress bar', async () => {
	await drop(PDFS.slice(0, 2));
	await list.locator('li.file').nth(1).waitFor();
	const n = await list.locator('li.file progress').count();
	return expect('progress bars', n, 2);
}, true);
let ids = [];
await check('each dropped PDF reaches 已索引 with its link', async () => {
	ids = await indexed(PDFS.slice(0, 2));
	return true;
});
await check('each progress bar ended full', async () => {
	const v = await list.locator('li.file progress').evaluateAll((ps) => ps.map((p) => p.value));
	return v.every((x) => x === 100) || `values ${JSON.stringify(v)}`;
});
await check('a file over the limit is refused inline in Chinese, the other lines untouched', async () => {
	await drop([BIG]);
	const li = line(path.basename(BIG));
	await li.locator('span.state', { hasText: '失败' }).waitFor();
	const s = (await li.locator('span.state').innerText()).trim();
	const others = await list.locator('li.file.indexed').count();
	return /^失败：文件过大：超过上传上限 .+。$/.test(s) && others === 2 || `"${s}", ${others} indexed lines`;
});
await check('a file the portal cannot read (a gzip archive) ends 失败 with the reason in Chinese', async () => {
	await drop([GZ]);
	const li = line(path.basename(GZ));
	await li.locator('span.state', { hasText: /^失败/ }).waitFor(WAIT);
	return expect('state', (await li.locator('span.state').innerText()).trim(), '失败：不支持压缩包，请逐个上传其中的文档。');
});
await check('the same PDF again shows 已在门户中 linking the document it already is', async () => {
	await drop([PDFS[0]]);
	const li = list.locator('li.file').last();
	await li.locator('span.state', { hasText: '已在门户中' }).waitFor(WAIT);
	const href = await li.locator('a.doc').getAttribute('href');
	return expect('link', href, `/documents/${ids[0]}`);
});
await screenshot('upload-1280.png');
await check('axe-core at 1280 px: no serious or critical violation', axe);

// ---- 390 px: choose through the input --------------------------------------------------------
await page.setViewportSize({ width: 390, height: 844 });
await check('at 390 px the page opens again with the audit preselected', async () => {
	await page.goto(`${BASE}/upload?case=${CASE}`);
	return expect('case', await page.locator('select[name=case]').inputValue(), CASE);
}, true);
let cut = 0;	// uploads this script cuts off on purpose
await check('an upload cut off on the way shows an inline Chinese error and a 重试 button', async () => {
	await page.route('**/api/documents', (route) => {
		cut++;
		return route.abort('connectionreset');
	});
	await page.locator('.dropzone input[type=file]').setInputFiles([PDFS[2]]);
	const li = line(path.basename(PDFS[2]));
	await li.locator('span.state', { hasText: /^失败/ }).waitFor();
	await page.unroute('**/api/documents');
	const s = (await li.locator('span.state').innerText()).trim();
	return s === '失败：网络中断，上传没有完成，请重试。' && await li.locator('button.retry').isVisible() ||
		`"${s}"`;
});
await check('重试 sends it again, and it reaches 已索引', async () => {
	await line(path.basename(PDFS[2])).locator('button.retry').click();
	await indexed([PDFS[2]]);
	return true;
});
await check('another PDF chosen through the drop zone\'s input reaches 已索引, the others kept', async () => {
	await page.locator('.dropzone input[type=file]').setInputFiles([PDFS[3]]);
	await indexed(PDFS.slice(2, 4));
	return expect('lines', await list.locator('li.file').count(), 2);
});
await check('at 390 px the page does not scroll sideways', async () => {
	const w = await page.evaluate(() => document.documentElement.scrollWidth);
	return w <= 390 || `scrollWidth ${w}`;
});
await screenshot('upload-390.png');
await check('axe-core at 390 px: no serious or critical violation', axe);

resume();
await check('no console errors (but the uploads cut off on purpose)', async () => {
	let n = cut;
	const left = consoleErrors.filter((e) => !(/ERR_CONNECTION_RESET \(.*\/api\/documents\)$/.test(e) && n-- > 0));
	return left.length === 0 || left.slice(0, 3).join('; ');
});
await check('no failed requests (but the uploads cut off on purpose)', async () => {
	const left = failedRequests.filter((f) => !(/\/api\/documents: /.test(f) && cut-- > 0));
	return left.length === 0 || left.slice(0, 3).join('; ');
});

await context.close();
