/** @module What a Dockerfile says, read without a container engine: for tests of the image. */

export interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions, continuation lines joined, comments left out. */
export function instructionsOf(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const [keyword = "", ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(" ") };
    });
}

/** The image a Dockerfile's last stage makes: what a container of it runs, as whom, and how. */
export interface ImageFacts {
  /** Each stage's `FROM` arguments, in order. */
  stages: string[];
  /** The instructions before the last stage, and those of the last stage. */
  build: Instruction[];
  runtime: Instruction[];
  /** The variables the last stage's `ENV` instructions set. */
  environment: Map<string, string>;
  user: { uid: number; gid: number };
  workdir: string;
  /** `ENTRYPOINT` and `CMD`, both in their exec (JSON) form. */
  entrypoint: string[];
  command: string[];
}

function environmentOf(instructions: Instruction[]): Map<string, string> {
  const environment = new Map<string, string>();
  for (const { args } of instructions.filter(({ keyword }) => keyword === "ENV")) {
    for (const [, name = "", value = ""] of args.matchAll(/(\w+)=(\S+)/g)) {
      environment.set(name, value);
    }
  }
  return environment;
}

export function imageFactsOf(text: string): ImageFacts {
  const instructions = instructionsOf(text);
  const froms = instructions.filter(({ keyword }) => keyword === "FROM");
  const start = instructions.lastIndexOf(froms.at(-1) as Instruction);
  const runtime = instructions.slice(start);
  const last = (keyword: string) => runtime.findLast((each) => each.keyword === keyword)?.args;
  const exec = (keyword: string): string[] => JSON.parse(last(keyword) ?? "[]");
  const [uid = "0", gid = "0"] = (last("USER") ?? "0").split(":");
  return {
    stages: froms.map(({ args }) => args),
    build: instructions.slice(0, start),
    runtime,
    environment: environmentOf(runtime),
    user: { uid: Number(uid), gid: Number(gid) },
    workdir: last("WORKDIR") ?? "/",
    entrypoint: exec("ENTRYPOINT"),
    command: exec("CMD"),
  };
}
