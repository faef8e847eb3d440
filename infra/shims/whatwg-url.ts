// node-fetch 2 (grammY's HTTP client on Node) imports whatwg-url only as a fallback for runtimes without a
// global URL: `const URL = Url.URL || whatwgUrl.URL`. Node has had one since v10, so the bundles take this
// stub instead of whatwg-url and its Unicode tables (about 280 KB minified).
export default { URL: globalThis.URL };
