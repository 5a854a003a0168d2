import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SETTINGS_GROUPS } from "../apps/web/src/server/config/groups";
import { loadConfig } from "../apps/web/src/server/config/load-config";
import { queuePrefix, RENDER_QUEUE } from "../packages/queue/src/render-queue";
import { imageFactsOf } from "../packages/testkit/src/dockerfile";
import {
  composeProblems,
  durationSeconds,
  kubernetesProblems,
  readYamlDocuments,
  serviceEnvironment,
} from "./deploy-schemas";

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, its shape checked by the schemas first
type Parsed = any;

const ROOT = join(import.meta.dirname, "..");
const KUBERNETES = join(ROOT, "deploy/kubernetes");
const image = imageFactsOf(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
const SETTINGS = new Set(SETTINGS_GROUPS.flatMap((group) => Object.keys(group.variables.shape)));
/** Names a reader would take for a setting of ours, known or not. */
const SETTING_LIKE = /^(SHOTCACHE|REDIS|UPSTASH|PUPPETEER|CHROME|CRON)_|^PORT$/;

/** The configuration a container of the image gets: the image's ENV, then its own variables. */
const configOf = (variables: Record<string, string>) =>
  loadConfig({ ...Object.fromEntries(image.environment), ...variables });

const [compose]: Parsed[] = readYamlDocuments(join(ROOT, "compose.yaml"));
/** The services of compose.yaml that run the image. */
const ofImage = Object.entries<Parsed>(compose.services).filter(
  ([, service]) => service.image === "shotcache",
);

const [kustomization]: Parsed[] = readYamlDocuments(join(KUBERNETES, "kustomization.yaml"));
const manifests: Parsed[] = kustomization.resources.flatMap((file: string) =>
  readYamlDocuments(join(KUBERNETES, file)),
);
const named = (kind: string, name: string) =>
  manifests.find((each) => each.kind === kind && each.metadata.name === name);
const server = named("Deployment", "shotcache");
const worker = named("Deployment", "shotcache-worker");
/** The containers of the manifests, each with its Deployment's pod. */
const containers: [string, Parsed][] = [server, worker].flatMap((deployment) =>
  deployment.spec.template.spec.containers.map((container: Parsed) => [
    `${deployment.metadata.name}/${container.name}`,
    container,
  ]),
);
/** What a container reads: its ConfigMaps and Secrets, then its own variables. */
const containerEnvironment = (container: Parsed): Record<string, string> => ({
  ...Object.assign(
    {},
    ...(container.envFrom ?? []).map(({ configMapRef, secretRef }: Parsed) =>
      configMapRef
        ? named("ConfigMap", configMapRef.name).data
        : named("Secret", secretRef.name).stringData,
    ),
  ),
  ...Object.fromEntries((container.env ?? []).map(({ name, value }: Parsed) => [name, value])),
});

describe("compose.yaml", () => {
  it("is valid against the Compose Specification; a broken copy is not", () => {
    expect(composeProblems(compose)).toEqual([]);
    const broken = structuredClone(compose);
    broken.services.shotcache.ports = "3000";
    broken.services.worker.replicas = 2;
    expect(composeProblems(broken)).toEqual([
      "/services/shotcache/ports must be array",
      "/services/worker must NOT have additional properties",
    ]);
  });

  it("runs the server (built here) and two workers of the image, hardened, outlasting the drain", () => {
    expect(ofImage.map(([name]) => name).sort()).toEqual(["shotcache", "worker"]);
    expect(compose.services.shotcache.build).toBe(".");
    expect(compose.services.worker.command).toBe("worker");
    expect(compose.services.worker.deploy.replicas).toBe(2);
    for (const [name, service] of ofImage) {
      const config = configOf(serviceEnvironment(service));
      expect(durationSeconds(service.stop_grace_period), name).toBeGreaterThan(
        config.http.shutdownGraceMs / 1000,
      );
      expect(service.read_only, name).toBe(true);
      expect(service.tmpfs, name).toContain("/tmp");
      expect(service.cap_drop, name).toEqual(["ALL"]);
      expect(service.security_opt, name).toContain("no-new-privileges:true");
      expect(service.depends_on.redis.condition, name).toBe("service_healthy");
      expect(new URL(config.store.redis.url ?? "").hostname, name).toBe("redis");
    }
    expect(compose.services.redis.healthcheck.test).toEqual(["CMD", "redis-cli", "ping"]);
  });

  it("answers on :3000 directly and on :8080 through Varnish, which the server purges", () => {
    const origin = compose.services.shotcache;
    const config = configOf(serviceEnvironment(origin));
    expect(config.render.where).toBe("queue");
    expect(origin.ports).toContain(`3000:${config.http.port}`);
    const varnish = compose.services.varnish;
    expect(varnish.ports).toContain("8080:80");
    expect(varnish.depends_on.shotcache.condition).toBe("service_healthy");
    expect(serviceEnvironment(origin).SHOTCACHE_CDN_PURGE).toBe("xkey:http://varnish/");
    // The repository's VCL names the origin 127.0.0.1, as its backend and as the one client
    // allowed to purge; the service's entrypoint names the shotcache service instead.
    const [source] = varnish.volumes[0].split(":");
    const vcl = readFileSync(join(ROOT, source), "utf8");
    expect(vcl).toMatch(/backend shotcache \{\s*\.host = "127\.0\.0\.1";\s*\.port = "3000";/);
    expect(vcl).toMatch(/acl purgers \{\s*"127\.0\.0\.1";/);
    expect(varnish.entrypoint.join(" ")).toContain(`s/"127\\.0\\.0\\.1"/"shotcache"/g`);
  });
});

describe("deploy/kubernetes", () => {
  it("lists every manifest of the folder in kustomization.yaml, and only those", () => {
    const files = readdirSync(KUBERNETES).filter(
      (file) => /\.ya?ml$/.test(file) && file !== "kustomization.yaml",
    );
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    // One image for both (`docker build -t shotcache .`); an overlay names a registry's copy.
    expect(containers.map(([, container]) => container.image)).toEqual(["shotcache", "shotcache"]);
  });

  it("is valid against the Kubernetes and KEDA schemas; a broken copy is not", () => {
    for (const manifest of manifests) {
      expect(kubernetesProblems(manifest), `${manifest.kind} ${manifest.metadata.name}`).toEqual(
        [],
      );
    }
    const broken = structuredClone(server);
    broken.spec.replicas = "two";
    broken.spec.template.spec.containers[0].securityContext.runAsRoot = true;
    expect(kubernetesProblems(broken)).toEqual([
      "/spec/replicas must be integer",
      "/spec/template/spec/containers/0/securityContext/runAsRoot is not a field of Deployment",
    ]);
  });

  it.each([
    ["server", "shotcache"],
    ["worker", "shotcache-worker"],
  ])("runs the %s as the image's user, on a read-only root with an emptyDir /tmp", (_, name) => {
    const pod = named("Deployment", name).spec.template.spec;
    for (const container of pod.containers) {
      const context = { ...pod.securityContext, ...container.securityContext };
      expect(context).toMatchObject({
        runAsNonRoot: true,
        runAsUser: image.user.uid,
        runAsGroup: image.user.gid,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      });
      const tmp = container.volumeMounts.find(({ mountPath }: Parsed) => mountPath === "/tmp");
      expect(
        pod.volumes.find((volume: Parsed) => volume.name === tmp?.name)?.emptyDir,
      ).toBeDefined();
      expect(container.resources.limits.memory).toBeDefined();
    }
  });

  it("takes a server out of the Service on /api/health, and drains it before the kill", () => {
    const pod = server.spec.template.spec;
    const [container] = pod.containers;
    const config = configOf(containerEnvironment(container));
    expect(container.args).toEqual(["server"]);
    expect(container.readinessProbe.httpGet).toEqual({
      path: "/api/health",
      port: config.http.port,
    });
    expect(container.livenessProbe.httpGet.path).toBe("/api/health");
    const { periodSeconds, failureThreshold } = container.livenessProbe;
    expect(periodSeconds * failureThreshold).toBeGreaterThanOrEqual(30);
    const preStop = container.lifecycle.preStop.sleep.seconds;
    expect(preStop).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(
      preStop + config.http.shutdownGraceMs / 1000,
    );
    expect(server.spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
    const service = named("Service", "shotcache");
    expect(service.spec.selector).toEqual(server.spec.selector.matchLabels);
  });

  it("runs workers that outlast their drain and give each render 512 MiB", () => {
    const pod = worker.spec.template.spec;
    const [container] = pod.containers;
    const config = configOf(containerEnvironment(container));
    expect(container.args).toEqual(["worker"]);
    expect(config.store.redis.url).toBeDefined();
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(config.http.shutdownGraceMs / 1000);
    const mebibytes = Number(/^(\d+)Gi$/.exec(container.resources.limits.memory)?.[1]) * 1024;
    expect(mebibytes / (config.render.concurrency ?? Number.NaN)).toBeGreaterThanOrEqual(512);
  });

  it("scales the server on CPU, the workers on the render queue's wait list, and budgets both", () => {
    const hpa = manifests.find((each) => each.kind === "HorizontalPodAutoscaler");
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: "Deployment", name: "shotcache" });
    expect(hpa.spec.metrics.map(({ resource }: Parsed) => resource.name)).toEqual(["cpu"]);
    const scaled = manifests.find((each) => each.kind === "ScaledObject");
    expect(scaled.spec.scaleTargetRef.name).toBe(worker.metadata.name);
    expect(scaled.spec.minReplicaCount).toBeGreaterThan(0);
    const [trigger] = scaled.spec.triggers;
    const config = configOf(containerEnvironment(worker.spec.template.spec.containers[0]));
    expect(trigger.type).toBe("redis");
    // BullMQ keeps the jobs no worker has taken yet in the list `<its prefix>:<queue>:wait`.
    expect(trigger.metadata.listName).toBe(
      `${queuePrefix(config.store.keyPrefix)}:${RENDER_QUEUE}:wait`,
    );
    expect(Number(trigger.metadata.listLength)).toBeGreaterThan(0);
    // KEDA's operator, in its own namespace, reaches the workers' Redis by its full name.
    const redis = new URL(config.store.redis.url ?? "");
    expect(trigger.metadata.address).toBe(
      `${redis.hostname}.${kustomization.namespace}.svc:${redis.port}`,
    );
    expect(named("TriggerAuthentication", trigger.authenticationRef.name)).toBeDefined();
    const budgets = manifests.filter((each) => each.kind === "PodDisruptionBudget");
    expect(budgets.map((each) => each.spec.selector.matchLabels)).toEqual(
      expect.arrayContaining([server.spec.selector.matchLabels, worker.spec.selector.matchLabels]),
    );
  });

  it("keeps placeholders in the Secret, to be replaced", () => {
    const { stringData } = named("Secret", "shotcache-secrets");
    expect(
      Object.values(stringData).filter((value) => !String(value).includes("replace-me")),
    ).toEqual([]);
  });
});

describe("the settings of the Dockerfile, compose.yaml and deploy/kubernetes", () => {
  it("are all settings the server knows", () => {
    const names = [
      ...image.environment.keys(),
      ...Object.values<Parsed>(compose.services).flatMap((service) =>
        Object.keys(serviceEnvironment(service)),
      ),
      ...manifests.flatMap((each) => Object.keys({ ...each.data, ...each.stringData })),
      ...containers.flatMap(([, container]) =>
        (container.env ?? []).map(({ name }: Parsed) => name),
      ),
    ].filter((name) => SETTING_LIKE.test(name));
    expect(names).toContain("SHOTCACHE_RENDER");
    expect(names).toContain("SHOTCACHE_BROWSER_SANDBOX");
    expect(names.filter((name) => !SETTINGS.has(name))).toEqual([]);
  });

  const environments: [string, Record<string, string>][] = [
    ...ofImage.map(([name, service]): [string, Record<string, string>] => [
      `compose ${name}`,
      serviceEnvironment(service),
    ]),
    ...containers.map(([name, container]): [string, Record<string, string>] => [
      name,
      containerEnvironment(container),
    ]),
  ];

  it.each(environments)(
    "give %s a configuration the server starts with (every required one present)",
    (_, variables) => {
      const config = configOf(variables);
      // The queue, on the API nodes and in every worker, needs Redis.
      expect(config.store.redis.url).toMatch(/^redis:/);
      const { REDIS_URL: _redis, ...withoutRedis } = variables;
      expect(() => configOf({ ...withoutRedis, SHOTCACHE_RENDER: "queue" })).toThrow(/REDIS_URL/);
    },
  );
});
