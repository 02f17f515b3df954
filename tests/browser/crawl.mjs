// crawl.mjs: walk the portal's HTML pages as one role, the way a person
// clicking every link would, and report what that person should never see.
//
//   node crawl.mjs BASE ROLE [--bearer TOKEN] [--max N] SEED...
//
// From the seeds (paths), fetch each same-site page and follow every link it
// shows (a[href], GET forms are not followed). A page's checks:
//   links   every same-site link shown answers 2xx to this role
//   markup  no markup printed as text (&lt;td, </td> in the text)
//   ids     no internal record id as text (a letter of e g x a p t and 10
//           hex digits: records.c rec_new_id), in text or a visible input
//   codes   no workflow or English code as text (listed, spring, services...),
//           no raw JSON ({")
//   utc     no UTC stamp (2026-12-05T10:17)
//   h1      exactly one <h1>
// Prints one line per finding, "FIND check ROLE URL: detail", then one
// "DONE ROLE pages=N links=M" line. Node's fetch only: no dependency.
const [base, role, ...rest] = process.argv.slice(2);
let bearer = null, max = 300;
const seeds = [];
for (let i = 0; i < rest.length; i++) {
	if (rest[i] === '--bearer') bearer = rest[++i];
	else if (rest[i] === '--max') max = Number(rest[++i]);
	else seeds.push(rest[i]);
}

const CODES = ['listed', 'filed', 'submitted', 'evaluated', 'spring', 'autumn', 'active', 'suspended',
	'removed', 'services', 'industry', 'agriculture', 'reviewer', 'evaluator', 'acceptance', 'create',
	'transition', 'assign', 'recommended', 'applied', 'district_approved', 'reviewed', 'approved',
	'implementing', 'first_paid', 'accepted', 'completed', 'rejected', 'acceptance_failed', 'pending',
	'audit_report', 'contract', 'registration_form', 'application_report', 'feasibility_study',
	'enterprise', 'agency', 'staff'];
const CODE_RE = new RegExp(`(?<![A-Za-z_])(${CODES.join('|')})(?![A-Za-z_])`);
const ID_RE = /(?<![0-9A-Za-z])[egxapt][0-9a-f]{10}(?![0-9A-Za-z])/;
const UTC_RE = /\d{4}-\d\d-\d\dT\d\d:/;

function decode(s) {
	return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e) => {
		if (e[0] === '#')
			return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
		return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }[e.toLowerCase()] ?? m;
	});
}

// The text a person reads: element content outside script/style/title and
// tags, plus the values of visible inputs (what a field shows).
function visibleText(html) {
	const body = html.replace(/<head[\s\S]*?<\/head>/i, '')
		.replace(/<(script|style|template|datalist)[\s\S]*?<\/\1>/gi, ' ');
	const parts = [];
	for (const m of body.matchAll(/<input\b[^>]*>/gi)) {
		const tag = m[0];
		if (/type="(hidden|submit|button)"/i.test(tag)) continue;
		const v = /\svalue="([^"]*)"/i.exec(tag);
		if (v) parts.push(decode(v[1]));
	}
	parts.push(decode(body.replace(/<[^>]*>/g, ' ')));
	return parts.join('\n');
}

function links(html, here) {
	const out = [];
	const body = html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ');
	for (const m of body.matchAll(/<a\b[^>]*\shref="([^"]*)"/gi)) {
		let u;
		try { u = new URL(decode(m[1]), here); } catch { continue; }
		if (u.origin !== new URL(base).origin) continue;
		u.hash = '';
		out.push(u.pathname + u.search);
	}
	return out;
}

const headers = bearer ? { Authorization: `Bearer ${bearer}` } : {};
const seen = new Map();	// path -> status
async function get(path) {
	const res = await fetch(base + path, { headers, redirect: 'manual' });
	const type = res.headers.get('content-type') || '';
	const body = type.startsWith('text/html') ? await res.text() : (await res.arrayBuffer(), '');
	seen.set(path, res.status);
	return { status: res.status, type, body };
}

let found = 0;
function find(check, url, detail) {
	found++;
	console.log(`FIND ${check} ${role} ${url}: ${detail.replace(/\s+/g, ' ').slice(0, 160)}`);
}

function around(text, re) {
	const m = re.exec(text);
	if (!m) return '';
	return text.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30);
}

// Search pages multiply (every facet of every result page links to another
// search): they wait in a queue of their own, behind every other page,
// and at most a tenth of the pages crawled are searches.
const queue = seeds.filter(p => !p.startsWith('/search'));
const searches = seeds.filter(p => p.startsWith('/search'));
const queued = new Set(seeds);
let pages = 0, nsearch = 0;
const linkedFrom = new Map();	// link -> first page showing it
while ((queue.length || (searches.length && nsearch < max / 10)) && pages < max) {
	const path = queue.length ? queue.shift() : (nsearch++, searches.shift());
	let r;
	try { r = await get(path); } catch (e) { find('links', path, `fetch failed: ${e}`); continue; }
	if (r.status !== 200 || !r.type.startsWith('text/html')) continue;
	pages++;
	const html = r.body, text = visibleText(html);
	const h1 = (html.match(/<h1[\s>]/gi) || []).length;
	if (h1 !== 1) find('h1', path, `${h1} <h1> elements`);
	if (/&lt;\/?[a-z]+[\s>]/i.test(html) || /<\/?(td|tr|th|a|p|li|div|span)[\s>]/i.test(text))
		find('markup', path, around(html, /&lt;\/?[a-z]+[\s>]/i) || around(text, /<\/?(td|tr|th|a|p|li|div|span)[\s>]/i));
	if (ID_RE.test(text)) find('ids', path, around(text, ID_RE));
	if (CODE_RE.test(text)) find('codes', path, around(text, CODE_RE));
	if (text.includes('{"')) find('codes', path, around(text, /\{"/));
	if (UTC_RE.test(text)) find('utc', path, around(text, UTC_RE));
	for (const l of links(html, base + path)) {
		if (l.startsWith('/static/') || l === '/logout') continue;
		if (!linkedFrom.has(l)) linkedFrom.set(l, path);
		if (!queued.has(l)) {
			queued.add(l);
			(l.startsWith('/search') ? searches : queue).push(l);
		}
	}
}
// Every link shown is opened, crawled or not.
let nlinks = 0;
for (const [l, from] of linkedFrom) {
	nlinks++;
	let status = seen.get(l);
	if (status === undefined) {
		try { status = (await get(l)).status; } catch (e) { status = String(e); }
	}
	if (!(status >= 200 && status < 300)) find('links', from, `links to ${l}, which answers ${status}`);
}
console.log(`DONE ${role} pages=${pages} links=${nlinks} findings=${found}`);
