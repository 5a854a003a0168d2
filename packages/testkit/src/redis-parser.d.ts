// redis-parser ships no types; this is the part of its API we use.
declare module "redis-parser" {
  interface ParserOptions {
    returnReply(reply: unknown): void;
    returnError(error: Error): void;
    returnFatalError?(error: Error): void;
    /** Bulk and simple strings as Buffers instead of UTF-8 text. */
    returnBuffers?: boolean;
  }
  export default class Parser {
    constructor(options: ParserOptions);
    execute(data: Buffer): void;
    reset(): void;
  }
}
