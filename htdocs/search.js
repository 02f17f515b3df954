// search.js: the search page's facet groups (<details>, collapsed in the
// HTML so that on a phone the results come first and the filters take one
// line each) are opened on screens wide enough to show them beside the
// results. The page works the same without it.
'use strict';
(function () {
	const wide = window.matchMedia('(min-width: 50.01rem)');
	const open = () => {
		if (wide.matches)
			for (const d of document.querySelectorAll('aside.facets details'))
				d.open = true;
	};
	open();
	wide.addEventListener('change', open);
})();
