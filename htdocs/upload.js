/* upload.js: the upload page with JavaScript (GET /upload, upload.c).
 *
 * Without it the page is a plain form that posts every chosen file at once.
 * With it, files dropped on the page or chosen through its drop zone are
 * sent at once, one request each (POST /api/documents, the session's CSRF
 * token in X-CSRF-Token and the form field), with the batch's type, case and
 * visibility as they are set when the file is added. Each file gets a line:
 * its progress, then its state, asked for (GET /api/documents/ID) until it
 * is indexed or has failed. A refused file says why in Chinese and can be
 * sent again; the others go on. */
(function () {
	'use strict';
	var form = document.querySelector('form.upload-form');
	if (!form || !window.FormData || !window.XMLHttpRequest)
		return;
	var input = form.querySelector('input[type=file]');
	var zone = form.querySelector('.dropzone');
	var list = document.querySelector('ul.upload-list');
	var max = Number(form.getAttribute('data-max')) || 0;
	var limit = form.getAttribute('data-limit') || '';
	var csrf = form.querySelector('input[name=csrf]');
	var token = csrf ? csrf.value : '';

	document.documentElement.classList.add('js-upload');
	input.removeAttribute('required');
	var heading = document.getElementById('upload-results');
	list.setAttribute('aria-live', 'polite');

	// Why a request was refused, in Chinese: by the error's code, else by
	// its status; the server's sentence (Chinese first) when neither says.
	var WHY = {
		too_large: '文件过大：超过上传上限 ' + limit + '。',
		empty_file: '文件是空的（0 字节）。',
		csrf: '页面已过期，请刷新页面后重试。',
		unauthenticated: '登录已过期，请重新登录后重试。',
		bad_case: '案卷不存在，或您无权查看。',
		storage: '服务器存储空间已满或出错，文件未能保存，请稍后重试。',
		database: '文档未能登记，请稍后重试。',
		bad_multipart: '上传中断，文件没有传完，请重试。',
		truncated: '上传中断，文件没有传完，请重试。'
	};
	var BY_STATUS = {
		403: '您不能向这个案卷添加文档。', 413: WHY.too_large, 422: WHY.bad_case,
		500: '服务器出错，请稍后重试。', 502: '服务器暂时不可用，请稍后重试。',
		503: '服务器繁忙，请稍后重试。', 507: '服务器存储空间已满，文件未能保存。'
	};

	// Why the indexer could not read a document, in Chinese: the kind of
	// its English reason, by its words (the same table as upload.c's
	// failures[]; the reason itself is on the document's page).
	var FAILURES = [
		['encrypted', '文件已加密（有密码保护），无法读取其中的文字。'],
		['archives', '不支持压缩包，请逐个上传其中的文档。'],
		['images of type', '不支持这种格式的图片；文字识别只读 PNG、JPEG 和 TIFF。'],
		['sound and video', '音频和视频文件没有可索引的文字。'],
		['is a program', '这是程序文件，不是文档，未读取。'],
		['no text layer', 'PDF 没有文字层（可能是扫描件），未能识别出文字。'],
		['no text was recognised', '图片中没有识别出文字。'],
		['holds no text', '文件中没有可索引的文字。'],
		['not supported', '不支持这种类型的文件。'],
		['matches no known document type', '不支持这种类型的文件。'],
		['could not be determined', '无法确定文件类型，未读取。'],
		['took longer than', '读取文件超时，已停止。'],
		['processor time', '读取文件超时，已停止。'],
		['more text than', '文件中的文字过多，无法全部读取。'],
		['larger than', '文件过大，未读取。'],
		['the file is empty', '文件是空的。'],
		['character set', '文件的字符集无法识别。'],
		['was refused', '文件结构可疑，已拒绝读取。'],
		['damaged', '文件已损坏，无法读取其中的文字。']
	];
	function failure(err) {
		var e = String(err || '').toLowerCase();
		for (var i = 0; i < FAILURES.length; i++)
			if (e.indexOf(FAILURES[i][0]) >= 0)
				return FAILURES[i][1];
		return '无法读取文件中的文字。';
	}

	function why(xhr) {
		var e = null;
		try { e = JSON.parse(xhr.responseText).error; } catch (x) { /* not JSON */ }
		if (e && e.code === 'forbidden' && /visibility|公开/.test(e.message || ''))
			return '只有工作人员和管理员可以公开文档。';
		if (e && WHY[e.code])
			return WHY[e.code];
		if (BY_STATUS[xhr.status])
			return BY_STATUS[xhr.status];
		if (e && e.message) {
			var m = /^[^A-Za-z]*。/.exec(e.message);	// the Chinese sentence
			return m ? m[0] : '上传未能完成（' + xhr.status + '）。';
		}
		return xhr.status ? '上传未能完成（' + xhr.status + '）。' : '网络中断，上传没有完成，请重试。';
	}

	function size(n) {
		return n >= 1048576 ? (n / 1048576).toFixed(1) + ' MB' : Math.max(1, Math.round(n / 1024)) + ' KB';
	}

	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls)
			e.className = cls;
		if (text !== undefined)
			e.textContent = text;
		return e;
	}

	// The batch's choices, as set now.
	function choices() {
		var out = [];
		['doc_type', 'case', 'visibility'].forEach(function (name) {
			var f = form.elements[name];
			if (f && f.value)
				out.push([name, f.value]);
		});
		return out;
	}

	// One file's line and its life: send, then follow.
	function add(file) {
		var item = { file: file, fields: choices() };
		var li = el('li', 'file sending');
		var name = el('span', 'name', file.name);
		var state = el('span', 'state', '等待上传');
		var bar = el('progress');
		bar.max = 100;
		bar.value = 0;
		bar.setAttribute('aria-label', file.name + ' 上传进度');
		li.appendChild(name);
		li.appendChild(el('span', 'size', size(file.size)));
		li.appendChild(bar);
		li.appendChild(state);
		list.appendChild(li);
		list.hidden = false;
		if (heading)
			heading.hidden = false;
		item.li = li;
		item.state = state;
		item.bar = bar;
		send(item);
	}

	function set(item, cls, text) {
		item.li.className = 'file ' + cls;
		item.state.textContent = text;
		var old = item.li.querySelector('a.doc, button.retry');
		while (old) {
			old.parentNode.removeChild(old);
			old = item.li.querySelector('a.doc, button.retry');
		}
	}

	function link(item, id, text) {
		var a = el('a', 'doc', text || '查看文档');
		a.href = '/documents/' + encodeURIComponent(id);
		item.li.appendChild(a);
	}

	function refused(item, text, retry) {
		set(item, 'refused', '失败：' + text);
		item.bar.hidden = true;
		if (!retry)
			return;
		var b = el('button', 'retry', '重试');
		b.type = 'button';
		b.setAttribute('aria-label', '重试 ' + item.file.name);
		b.addEventListener('click', function () { send(item); });
		item.li.appendChild(b);
	}

	function send(item) {
		var file = item.file;
		if (max && file.size > max)
			return refused(item, WHY.too_large, false);
		if (file.size === 0)
			return refused(item, WHY.empty_file, false);
		set(item, 'sending', '正在上传');
		item.bar.hidden = false;
		item.bar.value = 0;
		var data = new FormData();
		if (token)
			data.append('csrf', token);
		item.fields.forEach(function (f) { data.append(f[0], f[1]); });
		data.append('file', file, file.name);
		var xhr = new XMLHttpRequest();
		xhr.open('POST', '/api/documents');
		if (token)
			xhr.setRequestHeader('X-CSRF-Token', token);
		xhr.upload.onprogress = function (e) {
			if (e.lengthComputable)
				item.bar.value = Math.round(e.loaded * 100 / e.total);
		};
		xhr.onload = function () {
			var o = null;
			try { o = JSON.parse(xhr.responseText); } catch (x) { /* not JSON */ }
			if ((xhr.status === 200 || xhr.status === 202) && o && o.id) {
				item.bar.value = 100;
				item.bar.hidden = true;
				if (o.duplicate) {
					set(item, 'duplicate', '已在门户中');
					link(item, o.id);
					return follow(item, o.id, true);
				}
				set(item, 'pending', '等待索引');
				link(item, o.id);
				return follow(item, o.id, false);
			}
			refused(item, why(xhr), xhr.status !== 413);
		};
		xhr.onerror = function () { refused(item, why(xhr), true); };
		xhr.send(data);
	}

	// A pending document's state: a scan read in the indexer's long lane
	// shows its pages (docs_pending_label() says the same on the server).
	function pendingWords(x) {
		if (!x)
			return '等待索引';
		if (x.state === 'waiting')
			return '排队等待识别';
		if (x.pages_total > 0)
			return '识别中 ' + x.pages_done + '/' + x.pages_total + ' 页';
		return '识别中';
	}

	// Ask for the document until it is indexed or has failed. A duplicate
	// keeps its words; only the link's text (the title) follows.
	function follow(item, id, duplicate) {
		var tries = 0;
		function ask() {
			var xhr = new XMLHttpRequest();
			xhr.open('GET', '/api/documents/' + encodeURIComponent(id));
			xhr.onload = function () {
				var d = null;
				try { d = JSON.parse(xhr.responseText); } catch (x) { /* not JSON */ }
				if (xhr.status !== 200 || !d)
					return again();
				if (d.status === 'pending' && !duplicate) {
					item.state.textContent = pendingWords(d.extraction);
					return again();
				}
				if (duplicate)
					set(item, 'duplicate', '已在门户中');
				else if (d.status === 'indexed')
					set(item, 'indexed', '已索引');
				else
					set(item, 'failed', '失败：' + failure(d.error));
				link(item, id, d.title || undefined);
			};
			xhr.onerror = again;
			xhr.send();
		}
		function again() {
			tries++;
			setTimeout(ask, tries < 20 ? 1000 : 5000);
		}
		ask();
	}

	function addAll(files) {
		for (var i = 0; i < files.length; i++)
			add(files[i]);
	}

	input.addEventListener('change', function () {
		addAll(input.files);
		input.value = '';
	});
	form.addEventListener('submit', function (e) {
		e.preventDefault();
		if (input.files && input.files.length)
			addAll(input.files);
		input.value = '';
	});
	// Files may be dropped anywhere on the page (a drop outside a target
	// would otherwise open the file in the browser); the zone lights up.
	['dragenter', 'dragover'].forEach(function (t) {
		document.addEventListener(t, function (e) {
			e.preventDefault();
			zone.classList.add('over');
		});
	});
	document.addEventListener('dragleave', function (e) {
		if (!e.relatedTarget)	// left the window
			zone.classList.remove('over');
	});
	document.addEventListener('drop', function (e) {
		e.preventDefault();
		zone.classList.remove('over');
		if (e.dataTransfer && e.dataTransfer.files)
			addAll(e.dataTransfer.files);
	});
}());
