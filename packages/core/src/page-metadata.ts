/**
 * @module What `format=metadata` gives: a page's link-preview facts, as the renderer reads them
 * from the rendered page and the metadata endpoints answer them.
 */

/** A page's link-preview facts; each URL absolute, each missing one `null`. */
export interface PageMetadata {
  /** The page asked for. */
  url: string;
  /** Where it ended, redirects followed. */
  finalUrl: string;
  statusCode: number | null;
  title: string | null;
  description: string | null;
  lang: string | null;
  canonical: string | null;
  /** `og:image`, else `twitter:image`. */
  image: string | null;
  /** The largest declared icon (a scalable one first), else the site's `/favicon.ico`. */
  icon: string | null;
  themeColor: string | null;
}
