export { createFileETagCache } from "./file-etag-cache";
