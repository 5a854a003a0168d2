/**
 * The two names tRPC's type declarations use from TypeScript's `esnext.disposable` library. Declared
 * here, empty, so that a project compiling against `lib: ["ES2022", "DOM"]` with `skipLibCheck:
 * false` type-checks the SDK; where the library is loaded, these merge into its own and change
 * nothing. (@types/node declares the same names for the same reason.)
 */
declare global {
  interface Disposable {}
  interface AsyncDisposable {}
}

export {};
