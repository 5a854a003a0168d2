/**
 * @module Whether this machine has fonts for the scripts a default install leaves as empty boxes:
 * Chinese, Japanese and Korean, and colour emoji. Chromium finds its fonts through fontconfig,
 * so fontconfig's own `fc-list` answers for it (and follows `FONTCONFIG_FILE` as Chromium does).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface FontCoverage {
  /** A font for Chinese, Japanese and Korean (Debian: fonts-noto-cjk). */
  cjk: boolean;
  /** A colour emoji font (Debian: fonts-noto-color-emoji). */
  emoji: boolean;
}

/** The Debian packages that give what `coverage` lacks, in the order of its fields. */
export const missingFontPackages = (coverage: FontCoverage): string[] => [
  ...(coverage.cjk ? [] : ["fonts-noto-cjk"]),
  ...(coverage.emoji ? [] : ["fonts-noto-color-emoji"]),
];

/** Whether fontconfig knows a font that matches `pattern`; no fontconfig at all is no font. */
async function hasFont(pattern: string): Promise<boolean> {
  try {
    const { stdout } = await run("fc-list", [pattern, "family"], { timeout: 10_000 });
    return stdout.trim().length > 0;
  } catch {
    return false;
  }
}

export async function fontCoverage(): Promise<FontCoverage> {
  const [cjk, emoji] = await Promise.all([
    // Han, as Chinese and Japanese write it; Noto CJK covers Hangul with it.
    hasFont(":lang=zh"),
    // `und-zsye` is the emoji script; a monochrome symbol font would not draw it in colour.
    hasFont(":lang=und-zsye:color=true"),
  ]);
  return { cjk, emoji };
}
