// grammY's Node build imports the abort-controller polyfill (and its event-target-shim); Node has had
// both classes built in since v15. node-fetch 2 accepts the built-in signal: it checks the class name
// (`proto.constructor.name === 'AbortSignal'`), which a built-in class keeps under any minifier.
export const AbortController = globalThis.AbortController;
export const AbortSignal = globalThis.AbortSignal;
export default AbortController;
