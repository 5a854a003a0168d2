/**
 * @module The change measure's worker thread, as piscina loads it: its default export runs each
 * task. Node loads this file as it is (type stripping), hence the import's `.ts`; the app's build
 * bundles it as a file of its own.
 */
export { measureChange as default } from "./measure.ts";
