/** @module The schemas compose.yaml and deploy/kubernetes are checked against, and their readers. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import { TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication";
import { Ajv, type ErrorObject } from "ajv";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { parseAllDocuments } from "yaml";

/** The documents of a YAML file (Compose's `<<` merge keys resolved), or a throw naming the error. */
export function readYamlDocuments(path: string): unknown[] {
  return parseAllDocuments(readFileSync(path, "utf8"), { merge: true }).map((document) => {
    const [error] = document.errors;
    if (error) throw new Error(`${path}: ${error.message}`);
    return document.toJS();
  });
}

const describe = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? []).map(({ instancePath, message }) => `${instancePath || "/"} ${message}`);

/**
 * The Compose Specification's own JSON schema (compose-spec/compose-spec `schema/compose-spec.json`),
 * as dclint, a maintained Compose linter, ships and updates it. It is draft-07, Ajv's own dialect,
 * but names it `https://json-schema.org/draft-07/schema`, a spelling Ajv does not know: left out.
 */
const { $schema: _draft07, ...composeSchema } = JSON.parse(
  readFileSync(
    join(
      dirname(createRequire(import.meta.url).resolve("dclint/package.json")),
      "schemas/compose.schema.json",
    ),
    "utf8",
  ),
);
const validateCompose = new Ajv({ allErrors: true, strictTypes: false }).compile(composeSchema);

/** What the Compose Specification finds wrong with a compose file: nothing when it is valid. */
export function composeProblems(compose: unknown): string[] {
  return validateCompose(compose) ? [] : describe(validateCompose.errors);
}

/** The variables a Compose service sets, written as a map or as a list of `NAME=value`. */
export function serviceEnvironment(service: {
  environment?: Record<string, string> | string[];
}): Record<string, string> {
  const { environment = {} } = service;
  return Array.isArray(environment)
    ? Object.fromEntries(environment.map((entry) => entry.split(/=(.*)/s)))
    : environment;
}

const UNIT_SECONDS = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6 };

/** Seconds in a Compose duration (`40s`, `1m30s`, `1500ms`). */
export const durationSeconds = (duration: string) =>
  [...duration.matchAll(/(\d+(?:\.\d+)?)(us|ms|h|m|s)/g)].reduce(
    (total, [, amount, unit]) => total + Number(amount) * UNIT_SECONDS[unit as "s"],
    0,
  );

/** The kinds the manifests use, each with its schema (Kubernetes' OpenAPI, KEDA's CRDs). */
const MODELS = [
  ConfigMap,
  Deployment,
  HorizontalPodAutoscaler,
  PodDisruptionBudget,
  ScaledObject,
  Secret,
  Service,
  TriggerAuthentication,
];

/**
 * Where a manifest departs from its kind's schema, unknown fields included: the API server refuses
 * a field it does not know (kubectl's strict field validation), but the schemas of
 * kubernetes-models let such fields pass. So every object of the manifest is watched while it is
 * validated: a field the schema never looked at is one it does not know (a map, such as `labels`,
 * is looked at whole).
 */
export function kubernetesProblems(manifest: unknown): string[] {
  const { apiVersion, kind } = (manifest ?? {}) as { apiVersion?: string; kind?: string };
  const model = MODELS.find((each) => each.apiVersion === apiVersion && each.kind === kind);
  if (!model) return [`${apiVersion}/${kind}: no schema for this kind here`];
  const watched = watch(manifest, "");
  let problems: string[] = [];
  try {
    model.prototype.validate.call(watched.value);
  } catch (error) {
    problems = describe((error as { errors?: ErrorObject[] }).errors);
    if (problems.length === 0) throw error;
  }
  return [...problems, ...watched.unread().map((path) => `${path} is not a field of ${kind}`)];
}

/** A copy of `value` whose objects note which of their fields are read. */
function watch(value: unknown, path: string): { value: unknown; unread: () => string[] } {
  if (Array.isArray(value)) {
    const items = value.map((item, index) => watch(item, `${path}/${index}`));
    return {
      value: items.map((item) => item.value),
      unread: () => items.flatMap((item) => item.unread()),
    };
  }
  if (value === null || typeof value !== "object") return { value, unread: () => [] };
  const fields = Object.entries(value).map(
    ([key, field]) => [key, watch(field, `${path}/${key}`)] as const,
  );
  const target = Object.fromEntries(fields.map(([key, field]) => [key, field.value]));
  const read = new Set<string | symbol>();
  let listed = false;
  const proxy = new Proxy(target, {
    get: (object, key) => {
      read.add(key);
      return Reflect.get(object, key);
    },
    has: (object, key) => {
      read.add(key);
      return Reflect.has(object, key);
    },
    ownKeys: (object) => {
      listed = true;
      return Reflect.ownKeys(object);
    },
  });
  return {
    value: proxy,
    unread: () =>
      fields.flatMap(([key, field]) =>
        listed || read.has(key) ? field.unread() : [`${path}/${key}`],
      ),
  };
}
